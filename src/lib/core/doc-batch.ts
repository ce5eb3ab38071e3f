// `POST /api/docs`: many documents' missing updates in one round trip (a compare chart of 100 runs needs 100 series
// documents; browsers allow 6 connections per host). The request is JSON, `{docs: [{name, sv?}]}` with `sv` a
// base64 state vector; the answer is binary: a varuint count, then each update as a varuint length and its bytes,
// in request order.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { invalid } from './errors';
import { isValidDocName } from './schema';

/** Most documents one request may name. */
export const MAX_BATCH_DOCS = 500;

export interface DocRequest {
	name: string;
	/** The client's state vector for this document (empty = it has nothing). */
	sv: Uint8Array;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function decodeBase64(s: string): Uint8Array {
	const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
	return out;
}

/** Standard base64 of `bytes` (what the `sv` fields and query parameters carry). */
export function encodeBase64(bytes: Uint8Array): string {
	let s = '';
	for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
	return btoa(s);
}

/** One document request (`GET /api/docs/<name>?sv=` or an entry of a batch); throws INVALID_PARAMETER_VALUE. */
export function parseDocRequest(name: unknown, sv: unknown): DocRequest {
	if (typeof name !== 'string' || !isValidDocName(name)) throw invalid(`Unknown document name ${JSON.stringify(name)}`);
	// A length of 4n+1 is never base64 (one character holds 6 of a byte's 8 bits): atob would throw on it.
	if (sv !== undefined && sv !== null && (typeof sv !== 'string' || !BASE64.test(sv) || sv.replace(/=+$/, '').length % 4 === 1)) {
		throw invalid(`'sv' must be a base64 state vector`);
	}
	return { name, sv: sv ? decodeBase64(sv as string) : new Uint8Array(0) };
}

/** Parses and validates a batch request body; a bad entry is named by its index. */
export function parseDocBatchRequest(body: unknown): DocRequest[] {
	const docs = (body as { docs?: unknown } | null)?.docs;
	if (!Array.isArray(docs)) throw invalid(`'docs' must be an array of {name, sv?}`);
	if (docs.length > MAX_BATCH_DOCS) throw invalid(`'docs' names ${docs.length} documents; at most ${MAX_BATCH_DOCS} per request`);
	return docs.map((d: unknown, i) => {
		const { name, sv } = (d ?? {}) as { name?: unknown; sv?: unknown };
		try {
			return parseDocRequest(name, sv);
		} catch (e) {
			throw invalid(`docs[${i}]: ${(e as Error).message}`);
		}
	});
}

export function encodeDocBatchAnswer(updates: readonly Uint8Array[]): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, updates.length);
	for (const u of updates) encoding.writeVarUint8Array(enc, u);
	return encoding.toUint8Array(enc);
}

/** The updates of a batch answer, in request order; throws on a truncated or malformed answer. */
export function decodeDocBatchAnswer(bytes: Uint8Array): Uint8Array[] {
	const dec = decoding.createDecoder(bytes);
	const n = decoding.readVarUint(dec);
	const out: Uint8Array[] = [];
	for (let i = 0; i < n; i++) out.push(decoding.readVarUint8Array(dec));
	if (decoding.hasContent(dec)) throw new Error('trailing bytes after the batch answer');
	return out;
}
