// Joins one relay's rooms to a Fanout (DESIGN §6): what other instances publish is applied to the loaded room,
// buffered for a loading one, and announced ('doc-changed') either way; on a gap every room re-reads the store
// and 'resync' tells caches to drop what they read from documents not loaded here. The relay waits for catchUp
// before it opens a document, so a write acknowledged by any instance is seen by the next read on every other.
import * as Y from 'yjs';
import type { DocStore } from '../store/doc-store';
import { REMOTE_ORIGIN, type Room } from '../relay/room';
import type { Fanout, FanoutKind, FanoutMessage } from './fanout';

export interface RelayLinkOptions {
	fanout: Fanout;
	store: DocStore;
	rooms: ReadonlyMap<string, Room>;
	loading: ReadonlyMap<string, Promise<Room>>;
	emit(event: 'doc-changed' | 'resync', ...args: unknown[]): void;
	isClosing(): boolean;
	log: (msg: string) => void;
	/** Receives background work (resync loads) so the relay can wait for it on close. */
	track: (work: Promise<void>) => void;
}

export interface RelayLink {
	/** Starts buffering what is published for `name` (call before its load reads the store); returns its publish hook. */
	startLoading(name: string): (kind: FanoutKind, data: Uint8Array) => Promise<void>;
	/** The load of `name` ended: applies what was buffered to `room` (null: the load failed, dropped). */
	endLoading(name: string, room: Room | null): void;
	/**
	 * Resolves once what other instances had acknowledged is applied here (Fanout.catchUp). With the bus unreachable
	 * it resolves at once: reads go on with what this instance holds, and writes fail on their publish.
	 */
	catchUp(): Promise<void>;
	/** Stops receiving (the fanout itself stays open: whoever made it closes it). */
	close(): void;
}

export function linkRelayToFanout(opts: RelayLinkOptions): RelayLink {
	const { fanout, rooms, loading, log } = opts;
	const buffered = new Map<string, FanoutMessage[]>();

	const apply = (room: Room, message: FanoutMessage) => {
		try {
			room.applyRemote(message);
		} catch (e) {
			log(`dropping a malformed ${message.kind} of ${room.name} from another instance: ${(e as Error).message}`);
		}
	};

	const receive = (message: FanoutMessage) => {
		if (opts.isClosing()) return;
		const room = rooms.get(message.doc);
		if (room) apply(room, message);
		else buffered.get(message.doc)?.push(message);
		if (message.kind === 'update') opts.emit('doc-changed', message.doc);
	};

	/** Applies what the store holds for `room` (it may have missed published updates); idempotent in Yjs. */
	const reload = (room: Room) => {
		opts.track(
			opts.store.load(room.name).then(
				(stored) => {
					if (rooms.get(room.name) !== room) return;
					room.doc.transact(() => {
						if (stored.snapshot) Y.applyUpdate(room.doc, stored.snapshot, REMOTE_ORIGIN);
						for (const update of stored.updates) Y.applyUpdate(room.doc, update, REMOTE_ORIGIN);
					}, REMOTE_ORIGIN);
				},
				(e: Error) => log(`could not resync ${room.name}: ${e.message}`)
			)
		);
	};

	const resync = () => {
		if (opts.isClosing()) return;
		log(`resyncing ${rooms.size + loading.size} rooms from the store`);
		for (const room of rooms.values()) reload(room);
		for (const pending of loading.values()) pending.then(reload, () => {});
		opts.emit('resync');
	};

	const offs = [fanout.subscribe(receive), fanout.onGap(resync)];
	return {
		startLoading(name) {
			buffered.set(name, []);
			return (kind, data) => fanout.publish({ doc: name, kind, data });
		},
		endLoading(name, room) {
			const messages = buffered.get(name) ?? [];
			buffered.delete(name);
			if (room) for (const message of messages) apply(room, message);
		},
		catchUp: () => fanout.catchUp().catch(() => {}),
		close() {
			for (const off of offs) off();
			buffered.clear();
		}
	};
}
