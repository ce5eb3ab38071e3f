// The y-websocket wire protocol as the relay speaks it: one parser for untrusted client frames (typed message or a
// precise error), the encoders for what the relay sends, and the doc name carried by an upgrade URL.
import * as Y from 'yjs';
import { writePermissionDenied } from 'y-protocols/auth';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { isJsonTooDeep, MAX_JSON_DEPTH } from '../../src/lib/core/json-depth';

/** Top-level message types of the y-websocket protocol (first varUint of every frame). */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
/** Sub-types of a sync message (y-protocols/sync). */
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

export type ClientMessage =
	| { type: 'sync-step1'; stateVector: Uint8Array }
	| { type: 'sync-step2'; update: Uint8Array }
	| { type: 'sync-update'; update: Uint8Array }
	| { type: 'awareness'; entries: AwarenessEntry[] }
	| { type: 'query-awareness' };

/** One entry of an awareness update: a client's state (JSON text; 'null' when it left) at its clock. */
export interface AwarenessEntry {
	clientId: number;
	clock: number;
	state: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/**
 * Parses one binary frame from a client. Checks the framing, the state vector of a step 1 and every entry of an
 * awareness update (client id, clock, JSON state), and that nothing trails the message. The Yjs update inside a
 * step 2/update is not decoded here (the relay drops those for server-only docs): the room's update guard does.
 */
export function parseClientMessage(frame: Uint8Array): ParseResult<ClientMessage> {
	try {
		const decoder = decoding.createDecoder(frame);
		const type = decoding.readVarUint(decoder);
		let message: ClientMessage;
		if (type === MessageType.sync) {
			const syncType = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (syncType === SyncType.step1) {
				const svError = readStateVectorError(payload);
				if (svError) return fail(svError);
				message = { type: 'sync-step1', stateVector: payload };
			} else if (syncType === SyncType.step2) message = { type: 'sync-step2', update: payload };
			else if (syncType === SyncType.update) message = { type: 'sync-update', update: payload };
			else return fail(`unknown sync message type ${syncType}`);
		} else if (type === MessageType.awareness) {
			const entries = readAwarenessEntries(decoding.readVarUint8Array(decoder));
			if (typeof entries === 'string') return fail(entries);
			message = { type: 'awareness', entries };
		} else if (type === MessageType.queryAwareness) {
			message = { type: 'query-awareness' };
		} else {
			return fail(`unknown message type ${type}`);
		}
		if (decoding.hasContent(decoder)) return fail(`${frame.byteLength - decoder.pos} unexpected bytes after a ${message.type} message`);
		return { ok: true, value: message };
	} catch (e) {
		return fail(`malformed message: ${(e as Error).message}`);
	}
}

/** Checks a Yjs state vector: a count, then that many (client id, clock) varUint pairs, nothing after. Returns an error or null. */
export function readStateVectorError(sv: Uint8Array): string | null {
	try {
		const decoder = decoding.createDecoder(sv);
		const n = decoding.readVarUint(decoder);
		for (let i = 0; i < n; i++) {
			decoding.readVarUint(decoder);
			decoding.readVarUint(decoder);
		}
		return decoding.hasContent(decoder) ? 'malformed state vector: trailing bytes' : null;
	} catch (e) {
		return `malformed state vector: ${(e as Error).message}`;
	}
}

/** Entries one awareness message may carry. */
export const MAX_AWARENESS_ENTRIES = 16;

/** An awareness update: a count, then (client id, clock, JSON state) entries, nothing after. Returns them or an error. */
function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] | string {
	const decoder = decoding.createDecoder(update);
	const n = decoding.readVarUint(decoder);
	// Refused before any state is decoded: a socket owns a few client ids (awareness.ts), and 200 states of 64 KiB each
	// would be decoded and parsed in one turn of the event loop.
	if (n > MAX_AWARENESS_ENTRIES) return `malformed awareness update: ${n} entries, at most ${MAX_AWARENESS_ENTRIES} in one message`;
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < n; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const state = decoding.readVarString(decoder);
		// Bounded like request bodies: y-protocols re-encodes states with JSON.stringify, which a deep one overflows.
		if (isJsonTooDeep(state)) return `malformed awareness update: state nests deeper than ${MAX_JSON_DEPTH} levels`;
		try {
			JSON.parse(state);
		} catch {
			return 'malformed awareness update: state is not JSON';
		}
		entries.push({ clientId, clock, state });
	}
	return decoding.hasContent(decoder) ? 'malformed awareness update: trailing bytes' : entries;
}

/** Encodes awareness entries as an awareness update (the payload of an awareness message). */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const e of entries) {
		encoding.writeVarUint(encoder, e.clientId);
		encoding.writeVarUint(encoder, e.clock);
		encoding.writeVarString(encoder, e.state);
	}
	return encoding.toUint8Array(encoder);
}

/** A y-protocols auth message saying the socket may not do what it tried, and why (y-websocket logs it). */
export function encodePermissionDenied(reason: string): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.auth);
	writePermissionDenied(encoder, reason);
	return encoding.toUint8Array(encoder);
}

/** Sync step 1 carrying the doc's state vector (asks the client for what the server lacks). */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.sync);
	encoding.writeVarUint(encoder, SyncType.step1);
	encoding.writeVarUint8Array(encoder, Y.encodeStateVector(doc));
	return encoding.toUint8Array(encoder);
}

/** Sync step 2 carrying `update` (what the client's state vector lacked). */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
	return encodeSync(SyncType.step2, update);
}

/** A live sync update (broadcast of one doc change). */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
	return encodeSync(SyncType.update, update);
}

function encodeSync(syncType: number, update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.sync);
	encoding.writeVarUint(encoder, syncType);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** An awareness message wrapping an encoded awareness update (from y-protocols `encodeAwarenessUpdate`). */
export function encodeAwarenessMessage(awarenessUpdate: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.awareness);
	encoding.writeVarUint8Array(encoder, awarenessUpdate);
	return encoding.toUint8Array(encoder);
}

/** An awareness message with no entries: a no-op for clients, sent as a keepalive (y-websocket drops silent sockets after 30 s). */
export const KEEPALIVE_MESSAGE: Uint8Array = encodeAwarenessMessage(new Uint8Array([0]));

/**
 * Reads the document name from an upgrade request URL: the URL-decoded path after `prefix` (may contain '/';
 * query string ignored). Returns null when the path is not under `prefix` or is not valid percent-encoding.
 */
export function readDocNameFromUrl(url: string, prefix = '/sync/'): string | null {
	const path = url.split('?')[0].split('#')[0];
	if (!path.startsWith(prefix)) return null;
	try {
		return decodeURIComponent(path.slice(prefix.length));
	} catch {
		return null;
	}
}
