// A hostile relay session for tests/fuzz-relay.test.ts: a raw `ws` socket that sends one fuzz frame at a time and
// then a sync step 1, whose step 2 (the room's whole state) proves the frame was handled and shows what it changed;
// the frames themselves (valid random updates, corrupted, truncated and oversized frames, awareness spoofs).
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import { encodeAwarenessEntries, encodeAwarenessMessage, parseClientMessage, type AwarenessEntry } from '../../sync-server/relay/protocol';
import { encodeSyncFrame, readPermissionDenied } from './relay-clients';
import { waitFor } from './wait';
import { encodeComponent } from './fuzz-paths';
import type { FuzzRandom } from './fuzz-random';
import { createHugeVarintFrame, createRandomUpdate, flipBits } from './fuzz-yjs';

const EMPTY_SV = Y.encodeStateVector(new Y.Doc());
const STEP1 = encodeSyncFrame(0, EMPTY_SV);

/** Whether two full Yjs updates hold the same document (same state vector and delete set). */
export function isSameState(a: Uint8Array, b: Uint8Array): boolean {
	const [da, db] = [new Y.Doc(), new Y.Doc()];
	Y.applyUpdate(da, a);
	Y.applyUpdate(db, b);
	const same = Y.equalSnapshots(Y.snapshot(da), Y.snapshot(db));
	da.destroy();
	db.destroy();
	return same;
}

export interface FrameOutcome {
	/** The room's whole state after the frame, or null if the relay closed the socket. */
	state: Uint8Array | null;
	/** Permission-denied reasons the frame drew. */
	denied: string[];
	close: { code: number; reason: string } | null;
}

/**
 * One raw socket on `/sync/<name>` and the step-1 round trip after each frame. The name is sent percent-encoded
 * whole ('/' as %2F, which the relay decodes): `ws` would resolve a `..` segment before sending it.
 */
export async function openHostileSocket(wsUrl: string, name: string, timeoutMs = 10_000) {
	// A zero mask: ws then skips masking, which costs this (the server's) process ~50 ms per 14 MB frame in JS.
	const ws = new WebSocket(`${wsUrl}/${encodeComponent(name)}`, { generateMask: (mask) => void mask.fill(0) });
	const received: Uint8Array[] = [];
	let close: { code: number; reason: string } | null = null;
	ws.on('message', (d: Buffer) => received.push(new Uint8Array(d)));
	ws.on('error', () => {});
	ws.on('close', (code, reason) => (close = { code, reason: reason.toString() }));
	await waitFor(() => ws.readyState === ws.OPEN || close, { what: `socket on ${name}`, events: [[ws, 'open'], [ws, 'close']], timeoutMs });
	const isStep2 = (m: Uint8Array) => m[0] === 0 && m[1] === 1;
	let replies = 0;

	/** Sends `frame` (text, or none), then a step 1; resolves once the relay answered it, or closed the socket. */
	async function send(frame: Uint8Array | string | null): Promise<FrameOutcome> {
		const from = received.length;
		// A frame that is itself a valid step 1 draws a step 2 of its own before the one the round trip waits for.
		const parsed = frame instanceof Uint8Array ? parseClientMessage(frame) : null;
		const want = replies + (parsed?.ok && parsed.value.type === 'sync-step1' ? 1 : 0) + 1;
		if (close === null) {
			if (frame !== null) ws.send(frame, { binary: typeof frame !== 'string' });
			ws.send(STEP1);
		}
		const reply = await waitFor(() => (received.filter(isStep2).length >= want ? 'reply' : close ? 'closed' : null), {
			what: `the step 2 after a fuzz frame on ${name}`,
			events: [[ws, 'message'], [ws, 'close']],
			timeoutMs
		});
		replies = received.filter(isStep2).length;
		const denied = received.slice(from).map(readDenied).filter((r): r is string => r !== null);
		if (reply === 'closed') return { state: null, denied, close };
		const last = received.filter(isStep2)[want - 1];
		return { state: decoding.readVarUint8Array(decoding.createDecoder(last.subarray(2))), denied, close: null };
	}

	return {
		ws,
		send,
		/** The room's whole state now (a step-1 round trip with nothing else), or null if the socket is closed. */
		readState: async () => (await send(null)).state,
		get closed() {
			return close;
		},
		terminate: () => ws.terminate()
	};
}

export type HostileSocket = Awaited<ReturnType<typeof openHostileSocket>>;

function readDenied(m: Uint8Array): string | null {
	try {
		return readPermissionDenied(m);
	} catch {
		return null;
	}
}

export interface FrameContext {
	name: string;
	/** The room's whole state, as the last round trip read it. */
	state: Uint8Array;
	/** Awareness client ids of other (honest) clients, to spoof. */
	otherClients: number[];
	/** This socket's own awareness client id. */
	ownClient: number;
}

export type FuzzFrameKind = 'update' | 'step2' | 'flipped' | 'truncated' | 'huge varint' | 'random bytes' | 'text' | 'awareness' | 'step1' | 'empty' | 'orphan update';

/** One fuzz frame and what kind it is (only 'update' and 'step2' are sure to be well-formed). */
export function createFuzzFrame(rng: FuzzRandom, ctx: FrameContext): { kind: FuzzFrameKind; frame: Uint8Array | string } {
	const update = () => createRandomUpdate(rng, ctx.state, ctx.name);
	const valid = () => encodeSyncFrame(rng.pick([1, 2]), update());
	const awareness = () => {
		const clientId = rng.chance(0.5) ? ctx.ownClient : rng.chance(0.5) && ctx.otherClients.length > 0 ? rng.pick(ctx.otherClients) : rng.int(0, 2 ** 31);
		const state = rng.pick([JSON.stringify({ user: rng.text(10) }), 'null', '{', JSON.stringify({ big: 'x'.repeat(rng.pick([100, 70_000])) }), rng.unicode(10)]);
		const entries: AwarenessEntry[] = Array.from({ length: rng.pick([1, 1, 2, 5, 200]) }, (_, i) => ({ clientId: clientId + i, clock: rng.pick([0, 1, 2 ** 31, 2 ** 53 - 1]), state }));
		return encodeAwarenessMessage(encodeAwarenessEntries(entries));
	};
	switch (rng.int(0, 11)) {
		case 0:
		case 1:
			return { kind: 'update', frame: encodeSyncFrame(2, update()) };
		case 2:
			return { kind: 'step2', frame: encodeSyncFrame(1, update()) };
		case 3:
			return { kind: 'flipped', frame: flipBits(rng, rng.chance(0.7) ? valid() : awareness()) };
		case 4: {
			const f = rng.chance(0.7) ? valid() : awareness();
			return { kind: 'truncated', frame: f.subarray(0, rng.int(0, f.length - 1)) };
		}
		case 5:
			return { kind: 'huge varint', frame: createHugeVarintFrame(rng) };
		case 6:
			return { kind: 'random bytes', frame: rng.bytes(rng.int(1, 2000)) };
		case 7:
			return { kind: 'text', frame: rng.chance(0.5) ? rng.text(50) : Buffer.from(valid()).toString('latin1') };
		case 8:
			return { kind: 'awareness', frame: rng.chance(0.2) ? Uint8Array.of(3) /* query awareness */ : awareness() };
		case 9:
			return { kind: 'step1', frame: encodeSyncFrame(0, flipBits(rng, Y.encodeStateVectorFromUpdate(ctx.state))) };
		case 10:
			return { kind: 'empty', frame: new Uint8Array(0) };
		default: {
			// An update whose dependency (the first of two edits by one client) is never sent: held, never applied.
			const doc = new Y.Doc();
			Y.applyUpdate(doc, ctx.state);
			doc.getText(rng.pick(['notes', 'x'])).insert(0, rng.text(8) || 'a');
			const sv1 = Y.encodeStateVector(doc);
			doc.getText(rng.pick(['notes', 'x'])).insert(0, 'b');
			return { kind: 'orphan update', frame: encodeSyncFrame(2, Y.encodeStateAsUpdate(doc, sv1)) };
		}
	}
}
