// Missing dependencies and broken structure: the guard says 'missing' exactly when Yjs would leave part of an update
// pending (a clock gap, an unknown origin or deleted range, a Skip), 'malformed' for what can never integrate (cycles,
// forward self-references, a client listed twice); a seeded fuzz delivers peers' legit updates out of order and
// checks that holding 'missing' ones until their need is met lets everything in, with nothing ever pending.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { createRun, readRun, updateRun } from './experiment';
import { readNotes, readNotesText } from './run';
import { setNotes } from './notes';
import { copyDoc } from './update-guard-harness';
import { checkClientUpdate, isNeedMet, readDocSchema, type GuardResult } from './update-guard';
import { createRandom } from '../seeded-random';

const RUN = '0123456789abcdef0123456789abcdef';
const RUN_DOC = `run/${RUN}`;
const schema = readDocSchema(RUN_DOC)!;

type Id = [client: number, clock: number];
type RawStruct = { text: string; origin?: Id; rightOrigin?: Id; parent?: string | Id } | { skip: number } | { gc: number };

/** Encodes a v1 update by hand, for structures the Yjs API never produces. */
function encodeRawUpdate(clients: { client: number; clock: number; structs: RawStruct[] }[], ds: { client: number; ranges: [number, number][] }[] = []): Uint8Array {
	const e = encoding.createEncoder();
	const id = ([client, clock]: Id) => (encoding.writeVarUint(e, client), encoding.writeVarUint(e, clock));
	encoding.writeVarUint(e, clients.length);
	for (const c of clients) {
		encoding.writeVarUint(e, c.structs.length);
		encoding.writeVarUint(e, c.client);
		encoding.writeVarUint(e, c.clock);
		for (const s of c.structs) {
			if ('skip' in s) (encoding.writeUint8(e, 10), encoding.writeVarUint(e, s.skip));
			else if ('gc' in s) (encoding.writeUint8(e, 0), encoding.writeVarUint(e, s.gc));
			else {
				encoding.writeUint8(e, 4 | (s.origin ? 0x80 : 0) | (s.rightOrigin ? 0x40 : 0));
				if (s.origin) id(s.origin);
				if (s.rightOrigin) id(s.rightOrigin);
				if (!s.origin && !s.rightOrigin) {
					const parent = s.parent ?? 'notes';
					encoding.writeVarUint(e, typeof parent === 'string' ? 1 : 0);
					if (typeof parent === 'string') encoding.writeVarString(e, parent);
					else id(parent);
				}
				encoding.writeVarString(e, s.text);
			}
		}
	}
	encoding.writeVarUint(e, ds.length);
	for (const d of ds) {
		encoding.writeVarUint(e, d.client);
		encoding.writeVarUint(e, d.ranges.length);
		for (const [clock, len] of d.ranges) (encoding.writeVarUint(e, clock), encoding.writeVarUint(e, len));
	}
	return encoding.toUint8Array(e);
}

/** Whether Yjs, applying `update` to a copy of `doc`, keeps part of it pending. */
function leavesPending(doc: Y.Doc, update: Uint8Array): boolean {
	const copy = copyDoc(doc);
	Y.applyUpdate(copy, update);
	return copy.store.pendingStructs !== null || copy.store.pendingDs !== null;
}

function expectMissing(doc: Y.Doc, update: Uint8Array): Extract<GuardResult, { kind: 'missing' }> {
	const result = checkClientUpdate(doc, update, schema);
	expect(result).toMatchObject({ ok: false, kind: 'missing', error: expect.stringMatching(/^missing dependency/) });
	expect(leavesPending(doc, update), 'Yjs would keep it pending').toBe(true);
	return result as Extract<GuardResult, { kind: 'missing' }>;
}

describe('update guard: dependencies', () => {
	it('holds an update behind a clock gap until the document has what came before it', () => {
		const server = new Y.Doc();
		const client = new Y.Doc();
		const updates: Uint8Array[] = [];
		client.on('update', (u: Uint8Array) => updates.push(u));
		setNotes(client, 'one', 'me');
		setNotes(client, 'one two', 'me');
		const held = expectMissing(server, updates[1]);
		expect(isNeedMet(server, held.need)).toBe(false);
		Y.applyUpdate(server, updates[0]);
		expect(isNeedMet(server, held.need)).toBe(true);
		expect(checkClientUpdate(server, updates[1], schema)).toEqual({ ok: true });
	});

	it('holds an edit on top of another peer’s text, and a deletion of it, until that text arrives', () => {
		const server = new Y.Doc();
		const a = new Y.Doc();
		setNotes(a, 'from a', 'a');
		const b = copyDoc(a);
		const before = Y.encodeStateVector(b);
		setNotes(b, 'from a and b', 'b');
		const insert = Y.encodeStateAsUpdate(b, before);
		const held = expectMissing(server, insert);
		expect(held.need.client).toBe(a.clientID);
		readNotesText(b).delete(0, 4);
		const deletion = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
		expectMissing(server, encodeRawUpdate([], [{ client: a.clientID, ranges: [[0, 2]] }]));
		Y.applyUpdate(server, Y.encodeStateAsUpdate(a));
		expect(checkClientUpdate(server, deletion, schema)).toEqual({ ok: true });
	});

	it('says missing for a Skip gap and a parent the document lacks, malformed for what can never integrate', () => {
		const server = new Y.Doc();
		expectMissing(server, encodeRawUpdate([{ client: 1, clock: 0, structs: [{ text: 'a' }, { skip: 3 }, { text: 'b', origin: [1, 0] }] }]));
		expectMissing(server, encodeRawUpdate([{ client: 1, clock: 0, structs: [{ text: 'a', parent: [5, 0] }] }]));
		const malformed = (update: Uint8Array, why: RegExp) => expect(checkClientUpdate(server, update, schema)).toMatchObject({ ok: false, kind: 'malformed', error: expect.stringMatching(why) });
		malformed(encodeRawUpdate([{ client: 1, clock: 0, structs: [{ text: 'a', origin: [2, 0] }] }, { client: 2, clock: 0, structs: [{ text: 'b', origin: [1, 0] }] }]), /refer to each other in a cycle/);
		malformed(encodeRawUpdate([{ client: 1, clock: 0, structs: [{ text: 'a', origin: [1, 4] }] }]), /refers to its own client's later clock/);
		malformed(encodeRawUpdate([{ client: 1, clock: 0, structs: [{ text: 'a' }] }, { client: 2, clock: 0, structs: [{ text: 'b' }] }, { client: 1, clock: 1, structs: [{ text: 'c' }] }]), /listed twice/);
		expect(leavesPending(server, encodeRawUpdate([{ client: 1, clock: 0, structs: [{ text: 'a', origin: [2, 0] }] }, { client: 2, clock: 0, structs: [{ text: 'b', origin: [1, 0] }] }]))).toBe(true);
	});

	it('accepts what integrates across clients in Yjs order, GC ranges, and resent structs it holds already', () => {
		const server = new Y.Doc();
		const update = encodeRawUpdate([
			{ client: 1, clock: 0, structs: [{ text: 'a' }, { text: 'c', origin: [2, 0] }] },
			{ client: 2, clock: 0, structs: [{ text: 'b', origin: [1, 0] }, { gc: 4 }] }
		]);
		expect(checkClientUpdate(server, update, schema)).toEqual({ ok: true });
		expect(leavesPending(server, update)).toBe(false);
		Y.applyUpdate(server, update);
		expect(readNotes(server)).toBe('abc');
		expect(checkClientUpdate(server, update, schema)).toEqual({ ok: true });
	});
});

describe('update guard: seeded out-of-order delivery', () => {
	it('lets every legit update in once its dependencies arrive, never leaving Yjs anything pending', () => {
		const seed = Date.now();
		const random = createRandom(seed);
		const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
		const exp = new Y.Doc();
		createRun(exp, { runId: RUN, experimentId: '1', name: 'r', user: 'u', startTime: 1, status: 'RUNNING', artifactUri: 'a' });
		const servers = { [RUN_DOC]: new Y.Doc(), 'exp/1': exp };
		const names = Object.keys(servers) as (keyof typeof servers)[];
		const peers = [0, 1, 2].map(() => ({ [RUN_DOC]: copyDoc(servers[RUN_DOC]), 'exp/1': copyDoc(exp) }));
		const inFlight: [keyof typeof servers, Uint8Array][] = [];
		for (const p of peers) for (const n of names) p[n].on('update', (u: Uint8Array, origin: unknown) => origin !== 'peer' && inFlight.push([n, u]));
		const held: { name: keyof typeof servers; update: Uint8Array; need: { client: number; clock: number } }[] = [];
		const deliver = (name: keyof typeof servers, update: Uint8Array) => {
			const result = checkClientUpdate(servers[name], update, readDocSchema(name)!);
			if (!result.ok && result.kind === 'missing') return void held.push({ name, update, need: result.need });
			expect(result, `seed ${seed}`).toEqual({ ok: true });
			Y.applyUpdate(servers[name], update);
			expect(servers[name].store.pendingStructs ?? servers[name].store.pendingDs, `seed ${seed}: pending`).toBeNull();
			for (let i = held.findIndex((h) => isNeedMet(servers[h.name], h.need)); i >= 0; i = held.findIndex((h) => isNeedMet(servers[h.name], h.need))) {
				const [again] = held.splice(i, 1);
				deliver(again.name, again.update);
			}
		};
		for (let step = 0; step < 300; step++) {
			const p = pick(peers);
			const r = random();
			if (r < 0.35) setNotes(p[RUN_DOC], readNotes(p[RUN_DOC]).slice(0, Math.floor(random() * 20)) + 'xyz'.slice(0, 1 + Math.floor(random() * 3)), 'me');
			else if (r < 0.6) updateRun(p['exp/1'], RUN, { tags: { [`k${Math.floor(random() * 5)}`]: String(step) } });
			else if (r < 0.7) updateRun(p['exp/1'], RUN, { deleteTags: [`k${Math.floor(random() * 5)}`], name: `n${step}` });
			else if (r < 0.8) {
				const q = pick(peers);
				for (const n of names) Y.applyUpdate(q[n], Y.encodeStateAsUpdate(p[n], Y.encodeStateVector(q[n])), 'peer');
			} else while (inFlight.length > 0 && random() < 0.8) deliver(...inFlight.splice(Math.floor(random() * inFlight.length), 1)[0]);
		}
		while (inFlight.length > 0) deliver(...inFlight.splice(Math.floor(random() * inFlight.length), 1)[0]);
		expect(held, `seed ${seed}: still held`).toEqual([]);
		for (const p of peers) for (const n of names) Y.applyUpdate(p[n], Y.encodeStateAsUpdate(servers[n]), 'peer');
		for (const p of peers) {
			expect(readNotes(p[RUN_DOC]), `seed ${seed}`).toBe(readNotes(servers[RUN_DOC]));
			expect(readRun(p['exp/1'], '1', RUN), `seed ${seed}`).toEqual(readRun(servers['exp/1'], '1', RUN));
		}
	});
});
