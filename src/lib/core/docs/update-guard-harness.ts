// Test harness for the update guard's specs (imported by *.spec.ts only): a client copy of a server document, the
// updates an edit on it emits, the guard applied the way the relay applies it (checked first, applied only when it
// passes), and the two assertions every rule is tested with.
import { expect } from 'vitest';
import * as Y from 'yjs';
import { checkClientUpdate, readDocSchema, type GuardResult } from './update-guard';

/** A fresh document holding everything `doc` holds. */
export function copyDoc(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

export interface ClientEdit {
	/** Each update the edit emitted, in order (what y-websocket sends live). */
	updates: Uint8Array[];
	/** Everything the client holds that the server lacks, as one update (what a reconnecting client sends in step 2). */
	step2: Uint8Array;
}

/** Runs `edit` on `client` and returns what it would send to `server`. */
export function recordEdit(server: Y.Doc, client: Y.Doc, edit: (client: Y.Doc) => void): ClientEdit {
	const updates: Uint8Array[] = [];
	const onUpdate = (u: Uint8Array) => updates.push(u);
	client.on('update', onUpdate);
	try {
		edit(client);
	} finally {
		client.off('update', onUpdate);
	}
	return { updates, step2: Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)) };
}

/** Checks `update` against `doc` under the schema of document `name` and applies it only if it passes. */
export function applyGuarded(doc: Y.Doc, name: string, update: Uint8Array): GuardResult {
	const schema = readDocSchema(name);
	if (!schema) throw new Error(`${name} has no client schema`);
	const result = checkClientUpdate(doc, update, schema);
	if (result.ok) Y.applyUpdate(doc, update);
	return result;
}

/** Whether applying `update` to a copy of `doc` would change what it holds (so a refused write was a real one). */
export function wouldChange(doc: Y.Doc, update: Uint8Array): boolean {
	const copy = copyDoc(doc);
	Y.applyUpdate(copy, update);
	const [a, b] = [Y.encodeStateAsUpdate(copy), Y.encodeStateAsUpdate(doc)];
	return a.length !== b.length || a.some((x, i) => x !== b[i]);
}

/** Every update of a legit edit on a client copy passes, live and as one step 2, and the server ends where the client is. */
export function expectAccepted(name: string, server: Y.Doc, edit: (client: Y.Doc) => void): Y.Doc {
	const client = copyDoc(server);
	const { updates, step2 } = recordEdit(server, client, edit);
	expect(updates.length, 'the edit wrote something').toBeGreaterThan(0);
	expect(applyGuarded(copyDoc(server), name, step2), 'as one step 2').toEqual({ ok: true });
	for (const u of updates) expect(applyGuarded(server, name, u)).toEqual({ ok: true });
	expect(Y.encodeStateVector(server)).toEqual(Y.encodeStateVector(client));
	return server;
}

/** A hostile edit on a copy is refused (live and as step 2) with a reason matching `why`, and the server is unchanged. */
export function expectRejected(name: string, server: Y.Doc, edit: (client: Y.Doc) => void, why: RegExp): void {
	const { step2 } = recordEdit(server, copyDoc(server), edit);
	expect(wouldChange(server, step2), 'the hostile write changes a document it is applied to').toBe(true);
	const before = Y.encodeStateAsUpdate(server);
	const result = applyGuarded(server, name, step2);
	expect(result).toMatchObject({ ok: false, kind: 'rejected' });
	expect(!result.ok && result.error).toMatch(why);
	expect(Y.encodeStateAsUpdate(server)).toEqual(before);
}
