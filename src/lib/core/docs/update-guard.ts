// The guard every client update passes before the relay applies it (issue 11): decode it once, check that Yjs can
// integrate all of it now, then check each inserted and each deleted item — its path from the root and its value —
// against the document's schema (update-guard-schema.ts). The whole update is refused on the first violation.
// Cost: O(structs of the update + document structs its delete set names); the document is never re-encoded.
import * as Y from 'yjs';
import { checkDependencies, decodeClientUpdate, findFirstEndingAfter, type DecodedUpdate } from './update-guard-deps';
import { DEAD, TOO_DEEP, createPathResolver, type PathResolver, type Resolved } from './update-guard-paths';
import { checkWrite, readWriteValue, type DocSchema, type Write } from './update-guard-rules';
export type { Write } from './update-guard-rules';

export type { DocSchema } from './update-guard-rules';
import type { Need } from './update-guard-deps';
export type { Need } from './update-guard-deps';
export { isNeedMet } from './update-guard-deps';
export { readDocSchema } from './update-guard-schema';

export type GuardResult =
	| { ok: true }
	/** Not a Yjs update, or one Yjs cannot integrate however long it waits (a reference cycle). */
	| { ok: false; kind: 'malformed'; error: string }
	/** Needs structs the document does not hold yet; may pass once `need` is met (see isNeedMet). */
	| { ok: false; kind: 'missing'; need: Need; error: string }
	/** Breaks the document's schema (`tooLarge`: more than CLIENT_UPDATE_LIMITS, refused before it was read whole). */
	| { ok: false; kind: 'rejected'; error: string; tooLarge?: true };

/**
 * Who may make a write the schema allows (access control per entry of a shared document); returns what is wrong,
 * or null. It sees the document before the update.
 */
export type WritePolicy = (write: Write, doc: Y.Doc) => string | null;

/**
 * How much one client update may hold. Checking, applying, storing and relaying an update is one synchronous turn of
 * the event loop, about 10-35 µs per struct: these bound that turn to a few tens of ms. An app edit is a handful of
 * structs; a reconnect after a long offline session sends its edits in one update, and stays far below.
 */
export const CLIENT_UPDATE_LIMITS = { maxBytes: 256 * 1024, maxStructs: 2000 } as const;

/** Checks a client's v1 update against `doc` (read only), its schema and the socket's write policy, if any. */
export function checkClientUpdate(
	doc: Y.Doc,
	update: Uint8Array,
	schema: DocSchema,
	policy?: WritePolicy,
	limits: { maxBytes: number; maxStructs: number } = CLIENT_UPDATE_LIMITS
): GuardResult {
	if (update.byteLength > limits.maxBytes) {
		return { ok: false, kind: 'rejected', tooLarge: true, error: `an update of ${update.byteLength} bytes is more than a client may send at once (${limits.maxBytes}); send smaller edits` };
	}
	try {
		const decoded = decodeClientUpdate(update);
		let structs = 0;
		for (const list of decoded.byClient.values()) structs += list.length;
		for (const ranges of decoded.ds.clients.values()) structs += ranges.length;
		if (structs > limits.maxStructs) {
			return { ok: false, kind: 'rejected', tooLarge: true, error: `an update of ${structs} items and deletions is more than a client may send at once (${limits.maxStructs}); send smaller edits` };
		}
		const deps = checkDependencies(doc, decoded);
		if (!deps.ok) return deps;
		const error = findViolation(doc, decoded, schema, policy);
		return error === null ? { ok: true } : { ok: false, kind: 'rejected', error };
	} catch (e) {
		return { ok: false, kind: 'malformed', error: `malformed Yjs update: ${(e as Error).message}` };
	}
}

const idKey = (client: number, clock: number) => `${client}:${clock}`;
const lastIdKey = (s: Y.Item) => idKey(s.id.client, s.id.clock + s.length - 1);

/** The update's items that are not in the document yet, with where each lands. */
function resolveNewItems(doc: Y.Doc, update: DecodedUpdate, resolver: PathResolver): [Y.Item, Resolved][] {
	const out: [Y.Item, Resolved][] = [];
	for (const [client, list] of update.byClient) {
		const known = Y.getState(doc.store, client);
		for (const s of list) if (s instanceof Y.Item && s.id.clock + s.length > known) out.push([s, resolver.resolveUpdateItem(s)]);
	}
	return out;
}

function findViolation(doc: Y.Doc, update: DecodedUpdate, schema: DocSchema, policy: WritePolicy | undefined): string | null {
	const check = (write: Write): string | null => checkWrite(schema, write) ?? schema.rule?.(write, doc) ?? policy?.(write, doc) ?? null;
	const resolver = createPathResolver(doc, update);
	const items = resolveNewItems(doc, update, resolver);
	// A map value with a live successor in this update (an item placed right after it, at the same key) is
	// overwritten, not deleted: its deletion is judged as the successor's set.
	const overwritten = new Set<string>();
	for (const [s, target] of items) if (typeof target !== 'string' && target.key !== null && s.origin) overwritten.add(idKey(s.origin.client, s.origin.clock));

	for (const [s, target] of items) {
		if (target === DEAD) continue;
		if (target === TOO_DEEP) return `${s.id.client}:${s.id.clock}: nested deeper than a ${schema.what} allows`;
		const value = readWriteValue(s.content);
		if (value.kind === 'deleted' && target.key !== null && overwritten.has(lastIdKey(s))) continue;
		const error = check({ op: 'insert', target, value });
		if (error) return error;
	}

	const checkDeleted = (s: Y.Item, target: Resolved): string | null => {
		if (target === DEAD) return null;
		if (target === TOO_DEEP) return `${s.id.client}:${s.id.clock}: nested deeper than a ${schema.what} allows`;
		if (target.key !== null && overwritten.has(lastIdKey(s))) return null;
		// Deleting a type deletes what it holds: that is judged once, at the type.
		if (target.parentId !== null && Y.isDeleted(update.ds as unknown as Parameters<typeof Y.isDeleted>[0], target.parentId)) return null;
		return check({ op: 'delete', target });
	};
	for (const [client, ranges] of update.ds.clients) {
		const known = Y.getState(doc.store, client);
		const inDoc = doc.store.clients.get(client) ?? [];
		const inUpdate = update.byClient.get(client) ?? [];
		for (const { clock, len } of ranges) {
			const end = clock + len;
			if (clock < known) {
				for (let i = Y.findIndexSS(inDoc, clock); i < inDoc.length && inDoc[i].id.clock < Math.min(end, known); i++) {
					const s = inDoc[i];
					if (!(s instanceof Y.Item) || s.deleted) continue;
					const error = checkDeleted(s, resolver.resolveDocItem(s));
					if (error) return error;
				}
			}
			if (end > known) {
				for (let i = findFirstEndingAfter(inUpdate, Math.max(clock, known)); i < inUpdate.length && inUpdate[i].id.clock < end; i++) {
					const s = inUpdate[i];
					if (!(s instanceof Y.Item)) continue;
					const error = checkDeleted(s, resolver.resolveUpdateItem(s));
					if (error) return error;
				}
			}
		}
	}
	return null;
}
