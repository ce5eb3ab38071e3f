// The structure of one decoded client update against a document: its structs indexed by client, lookups of an id in
// the update or the document, and whether Yjs could integrate all of it now (no gap, no missing origin, parent or
// deleted range, no reference cycle), so nothing would be left in `doc.store.pendingStructs` / `pendingDs`.
import * as Y from 'yjs';

export type Struct = Y.Item | Y.GC | Y.Skip;

/** A delete set as Yjs holds it: per client, ranges of deleted clocks. */
export interface DeleteSet {
	clients: Map<number, { clock: number; len: number }[]>;
}

/** A decoded update: its structs per client in clock order, and its delete set. */
export interface DecodedUpdate {
	readonly byClient: ReadonlyMap<number, readonly Struct[]>;
	readonly ds: DeleteSet;
}

/** What an update waits for: the document must hold `client`'s clock `clock` (its state must pass it). */
export interface Need {
	client: number;
	clock: number;
}

export type DependencyResult = { ok: true } | { ok: false; kind: 'malformed'; error: string } | { ok: false; kind: 'missing'; need: Need; error: string };

/** Decodes a v1 update and groups its structs by client; throws on malformed bytes or a client listed twice. */
export function decodeClientUpdate(update: Uint8Array): DecodedUpdate {
	const { structs, ds } = Y.decodeUpdate(update) as unknown as { structs: Struct[]; ds: DeleteSet };
	const byClient = new Map<number, Struct[]>();
	let current: Struct[] | null = null;
	let currentClient = -1;
	for (const s of structs) {
		if (current === null || s.id.client !== currentClient) {
			if (byClient.has(s.id.client)) throw new Error(`client ${s.id.client} is listed twice`);
			currentClient = s.id.client;
			byClient.set(currentClient, (current = []));
		}
		current.push(s);
	}
	return { byClient, ds };
}

/** The index of the first struct of `list` (clock order) that ends after `clock` (list.length if none). */
export function findFirstEndingAfter(list: readonly Struct[], clock: number): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (list[mid].id.clock + list[mid].length <= clock) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** The struct of `list` (clock order) that holds `clock`, or null. */
function findStruct(list: readonly Struct[], clock: number): Struct | null {
	let lo = 0;
	let hi = list.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >>> 1;
		const s = list[mid];
		if (clock < s.id.clock) hi = mid - 1;
		else if (clock >= s.id.clock + s.length) lo = mid + 1;
		else return s;
	}
	return null;
}

/** Where an id lives: in the document already, or among the update's new structs. */
export type Located = { where: 'doc'; struct: Y.Item | Y.GC } | { where: 'update'; struct: Struct };

/** Finds the struct holding `id`: the document's if it has that clock (a resent copy is ignored by Yjs), else the update's. */
export function locate(doc: Y.Doc, update: DecodedUpdate, id: Y.ID): Located | null {
	if (id.clock < Y.getState(doc.store, id.client)) return { where: 'doc', struct: Y.getItem(doc.store, id) as Y.Item | Y.GC };
	const list = update.byClient.get(id.client);
	const s = list ? findStruct(list, id.clock) : null;
	return s === null || s instanceof Y.Skip ? null : { where: 'update', struct: s };
}

/** The ids an item needs integrated before it: its left and right origins and an explicit parent item. */
function readDependencies(s: Struct): Y.ID[] {
	if (!(s instanceof Y.Item)) return [];
	const out: Y.ID[] = [];
	if (s.origin) out.push(s.origin);
	if (s.rightOrigin) out.push(s.rightOrigin);
	if (s.parent instanceof Y.ID) out.push(s.parent);
	return out;
}

const missing = (need: Need, what: string): DependencyResult => ({ ok: false, kind: 'missing', need, error: `missing dependency: ${what}` });
const malformed = (error: string): DependencyResult => ({ ok: false, kind: 'malformed', error });

/**
 * Replays Yjs's integration order (per client in clock order; a struct whose origin, right origin or parent is not
 * integrated yet waits until that client's structs up to it are), without touching the document: O(structs).
 * Then every deleted range must lie inside what the document holds afterwards.
 */
export function checkDependencies(doc: Y.Doc, update: DecodedUpdate): DependencyResult {
	const state = new Map<number, number>();
	const next = new Map<number, number>();
	const stateOf = (client: number) => state.get(client) ?? Y.getState(doc.store, client);
	for (const [client, list] of update.byClient) {
		const known = Y.getState(doc.store, client);
		next.set(client, findFirstEndingAfter(list, known));
		state.set(client, known);
	}
	/** Clients whose next struct is blocked on a dependency (Yjs's stack). */
	const blocked: number[] = [];
	const isBlocked = new Set<number>();
	for (const start of update.byClient.keys()) {
		let client: number | null = start;
		while (client !== null) {
			const list = update.byClient.get(client)!;
			const i = next.get(client)!;
			if (i >= list.length) {
				client = blocked.length > 0 ? blocked.pop()! : null;
				if (client !== null) isBlocked.delete(client);
				continue;
			}
			const s = list[i];
			if (s instanceof Y.Skip) {
				next.set(client, i + 1);
				continue;
			}
			if (s.id.clock > stateOf(client)) return missing({ client, clock: s.id.clock - 1 }, `client ${client} starts at clock ${s.id.clock}, the document holds up to ${stateOf(client)}`);
			const unmet = readDependencies(s).find((d) => d.clock >= stateOf(d.client));
			if (unmet) {
				if (unmet.client === client) return malformed(`struct ${client}:${s.id.clock} refers to its own client's later clock ${unmet.clock}`);
				const depList = update.byClient.get(unmet.client);
				const holder = depList ? findStruct(depList, unmet.clock) : null;
				if (holder === null || holder instanceof Y.Skip) return missing({ client: unmet.client, clock: unmet.clock }, `struct ${client}:${s.id.clock} refers to ${unmet.client}:${unmet.clock}, which neither the document nor the update holds`);
				if (isBlocked.has(unmet.client)) return malformed(`structs of clients ${client} and ${unmet.client} refer to each other in a cycle`);
				blocked.push(client);
				isBlocked.add(client);
				client = unmet.client;
				continue;
			}
			state.set(client, s.id.clock + s.length);
			next.set(client, i + 1);
			// Back to the struct that waited for this one, as Yjs does (it may need only this struct).
			if (blocked.length > 0) {
				client = blocked.pop()!;
				isBlocked.delete(client);
			}
		}
	}
	for (const [client, ranges] of update.ds.clients) {
		const held = stateOf(client);
		for (const r of ranges) {
			if (r.len > 0 && r.clock + r.len > held) return missing({ client, clock: r.clock + r.len - 1 }, `deletes ${client}:${r.clock}+${r.len}, past the ${held} the document holds`);
		}
	}
	return { ok: true };
}

/** Whether the document now holds what `need` waited for. */
export function isNeedMet(doc: Y.Doc, need: Need): boolean {
	return Y.getState(doc.store, need.client) > need.clock;
}
