// Joins one relay's rooms to a Fanout (DESIGN §6): what other instances publish is applied to the loaded room,
// buffered for a loading one, and announced ('doc-changed') either way; on a gap every room re-reads the store
// and 'resync' tells caches to drop what they read from documents not loaded here. The relay waits for catchUp
// before it opens a document, so a write acknowledged by any instance is seen by the next read on every other.
// refresh reads what the store committed since a room's cursor (DocStore.readSince): a write committed by an
// instance that died before publishing it is seen too, by the reads that must not miss it (batch ids).
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
	/**
	 * With a store that has readSince (else null): brings the loaded or loading rooms of `names` up to everything
	 * the store has committed, applied as REMOTE_ORIGIN (sent to sockets, not stored or published again), and
	 * announces 'doc-changed' for a room it changed. Names not loaded are left alone (their load reads the store).
	 * Rejects if the store cannot be read (StoreUnavailableError).
	 */
	refresh: ((names: readonly string[]) => Promise<void>) | null;
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

	/** Applies a snapshot and updates read from the store to `room` (REMOTE_ORIGIN); returns whether the doc changed. */
	const applyStored = (room: Room, stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): boolean => {
		let changed = false;
		const onChange = () => (changed = true);
		room.doc.on('update', onChange);
		try {
			room.doc.transact(() => {
				if (stored.snapshot) Y.applyUpdate(room.doc, stored.snapshot, REMOTE_ORIGIN);
				for (const update of stored.updates) Y.applyUpdate(room.doc, update, REMOTE_ORIGIN);
			}, REMOTE_ORIGIN);
		} finally {
			room.doc.off('update', onChange);
		}
		return changed;
	};

	const readSince = opts.store.readSince?.bind(opts.store);
	/** One query; concurrent refreshes of a room each read from the cursor they found (any of their results is safe to keep). */
	const refreshRoom = async (room: Room) => {
		const since = await readSince!(room.name, room.storeCursor);
		if (rooms.get(room.name) !== room || opts.isClosing()) return;
		if (applyStored(room, since)) opts.emit('doc-changed', room.name);
		room.storeCursor = since.cursor;
	};
	const refresh = async (names: readonly string[]) => {
		if (opts.isClosing()) return;
		const work: Promise<void>[] = [];
		for (const name of names) {
			const room = rooms.get(name);
			// A load under way may have read before the commit the caller must see: refreshed once loaded.
			const pending = room ? null : loading.get(name);
			if (room) work.push(refreshRoom(room));
			else if (pending) work.push(pending.then(refreshRoom, () => {}));
		}
		await Promise.all(work);
	};

	/** Applies what the store holds for `room` (it may have missed published updates); idempotent in Yjs. */
	const reload = (room: Room) => {
		opts.track(
			opts.store.load(room.name).then(
				(stored) => {
					if (rooms.get(room.name) !== room) return;
					applyStored(room, stored);
					if (stored.cursor) room.storeCursor = stored.cursor;
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
		refresh: readSince ? refresh : null,
		close() {
			for (const off of offs) off();
			buffered.clear();
		}
	};
}
