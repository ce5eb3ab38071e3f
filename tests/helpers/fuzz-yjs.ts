// Random Yjs for the relay fuzz: valid random edits of a document (map sets and deletes, nested types, list and
// text edits, at keys the schema names and at random ones; or the app's kinds of edit with edge values) and the
// corruptions of y-protocols frames (bit flips, huge varints).
import * as Y from 'yjs';
import { KEYS, parseDocName } from '../../src/lib/core/schema';
import type { FuzzRandom } from './fuzz-random';

/** Every field name the schema gives a document, run, experiment, model or version, so edits hit real slots. */
const FIELD_NAMES = [
	...new Set([
		...Object.values(KEYS).flatMap((k) => Object.values(k)),
		'name', 'status', 'user', 'startTime', 'endTime', 'lifecycle', 'artifactUri', 'params', 'tags', 'inputs', 'outputs', 'experimentId',
		'creationTime', 'lastUpdateTime', 'artifactLocation', 'description', 'aliases', 'model', 'number', 'stage', 'deleted', 'source',
		'storageLocation', 'runId', 'runLink', 'loggedModelId', 'paramCount', 'metrics', 'sha256', 'size', 'mtime', 'loss'
	])
];

/** What the edits walk through and write: every shared type and value kind Yjs accepts. */
type Shared = Y.Map<Value> | Y.Array<Value> | Y.Text;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Value = any;

/** The root types of a document kind with the Yjs type the app gives them (asking for another one throws). */
function readRoots(doc: Y.Doc, name: string): Shared[] {
	const kind = parseDocName(name)?.kind;
	const roots: Shared[] = [];
	const keys: Record<string, string> = kind ? KEYS[kind === 'registryComments' ? 'comments' : kind] : {};
	for (const key of Object.values(keys)) {
		if (key === KEYS.run.notes) roots.push(doc.getText(key));
		else if (key === KEYS.registry.audit || (kind === 'series' && key === KEYS.series.chunks)) roots.push(doc.getArray(key));
		else roots.push(doc.getMap(key));
	}
	return roots;
}

/** A random plain value: every JSON type, non-finite and huge numbers, bytes, long and tricky strings. */
export function createRandomValue(rng: FuzzRandom): Value {
	switch (rng.int(0, 9)) {
		case 0:
			return rng.text(20);
		case 1:
			return rng.pick(['RUNNING', 'FINISHED', 'active', 'deleted', 'Production', 'None', 'mlflow-artifacts:/1', '', 'nope', '0123456789abcdef0123456789abcdef']);
		case 2:
			return rng.pick([0, -1, 1, 2.5, 1e6, 1e308, -1e308, Infinity, -Infinity, NaN, 2 ** 53 + 2, Number.MIN_VALUE, Date.now()]);
		case 3:
			return rng.pick([true, false, null]);
		case 4:
			return { [rng.pick(FIELD_NAMES)]: rng.text(8), n: rng.int(0, 9) };
		case 5:
			return [rng.text(4), rng.int(0, 99), null];
		case 6:
			return rng.bytes(rng.int(0, 64));
		case 7:
			return 'x'.repeat(rng.pick([251, 6001, 8001, 50_000]));
		case 8:
			return rng.unicode(rng.int(1, 40));
		default:
			return rng.int(0, 1000);
	}
}

/** A new shared type (filled a little), or a plain value. */
function createContent(rng: FuzzRandom): Value {
	const r = rng.int(0, 9);
	if (r === 0) {
		const m = new Y.Map<Value>();
		for (let i = rng.int(0, 3); i > 0; i--) m.set(rng.pick(FIELD_NAMES), createRandomValue(rng));
		return m;
	}
	if (r === 1) return Y.Array.from([createRandomValue(rng)]);
	if (r === 2) return new Y.Text(rng.text(10));
	return createRandomValue(rng);
}

/** One random edit somewhere in `doc` (document `name`): descends through nested types, then sets, deletes or inserts. */
export function applyRandomEdit(rng: FuzzRandom, doc: Y.Doc, name: string): void {
	const roots = readRoots(doc, name);
	let at: Shared = roots.length > 0 && rng.chance(0.9) ? rng.pick(roots) : doc.getMap(rng.pick(['x', '__proto__', rng.text(6)]));
	const isShared = (v: Value): v is Shared => v instanceof Y.Map || v instanceof Y.Array || v instanceof Y.Text;
	for (let depth = 0; depth < 5 && rng.chance(0.7); depth++) {
		const children: Shared[] = [];
		if (at instanceof Y.Map) at.forEach((v) => isShared(v) && children.push(v));
		if (at instanceof Y.Array) at.forEach((v) => isShared(v) && children.push(v));
		if (children.length === 0) break;
		at = rng.pick(children);
	}
	if (at instanceof Y.Map) {
		const keys = [...at.keys()];
		const key = keys.length > 0 && rng.chance(0.5) ? rng.pick(keys) : rng.chance(0.6) ? rng.pick(FIELD_NAMES) : rng.text(12);
		if (keys.length > 0 && rng.chance(0.25)) at.delete(rng.pick(keys));
		else at.set(key, createContent(rng));
	} else if (at instanceof Y.Array) {
		if (at.length > 0 && rng.chance(0.3)) at.delete(rng.int(0, at.length - 1), 1);
		else at.insert(rng.int(0, at.length), [createContent(rng)]);
	} else if (at instanceof Y.Text) {
		if (at.length > 0 && rng.chance(0.3)) at.delete(rng.int(0, at.length - 1), rng.int(1, 5));
		else at.insert(rng.int(0, at.length), rng.chance(0.1) ? 'n'.repeat(rng.int(1000, 20_000)) : rng.text(20), rng.chance(0.1) ? { bold: true } : undefined);
	}
}

/**
 * One edit of the kind the app makes (so the relay accepts many of them), with edge values: an existing run,
 * experiment, registered model or version renamed, deleted or restored, its tags set or deleted, a model's touched
 * time, notes typed — names of 250 and 251 characters, empty ones, unicode, tag keys MLflow refuses.
 */
export function applyPlausibleEdit(rng: FuzzRandom, doc: Y.Doc, name: string): void {
	const text = () => rng.pick(['renamed', '', ' ', 'x'.repeat(250), 'x'.repeat(251), rng.unicode(10), rng.text(20), 'a/b', '..', 'fuzz-registered']);
	const time = () => rng.pick([Date.now(), 0, -1, 1e20, Infinity, NaN, 2.5]);
	const tagKey = () => rng.pick(['t', 'mlflow.runName', 'mlflow.user', 'mlflow.note.content', 'a/b', '../x', '', ' ', 'k'.repeat(251), rng.text(8)]);
	const tagValue = (): Value => rng.pick(['v', '', 'x'.repeat(5000), 'x'.repeat(8001), rng.unicode(20), 1, null]);
	const pickEntry = (m: Y.Map<Value>): Y.Map<Value> | null => {
		const entries = [...m.values()].filter((v): v is Y.Map<Value> => v instanceof Y.Map);
		return entries.length > 0 ? rng.pick(entries) : null;
	};
	const editTags = (tags: Value) => {
		if (!(tags instanceof Y.Map)) return;
		if (tags.size > 0 && rng.chance(0.3)) tags.delete(rng.pick([...tags.keys()]));
		else tags.set(tagKey(), tagValue());
	};
	/** Sets one of `fields` (or edits the entry's tags) on `entry`; now and then deletes a field instead. */
	const editEntry = (entry: Y.Map<Value> | null, fields: Record<string, () => Value>) => {
		if (!entry) return;
		const key = rng.pick([...Object.keys(fields), 'tags', 'tags']);
		if (key === 'tags') return editTags(entry.get('tags'));
		if (rng.chance(0.1)) entry.delete(key);
		else entry.set(key, fields[key]());
	};
	const lifecycle = () => rng.pick(['active', 'deleted', 'gone']);
	switch (parseDocName(name)?.kind) {
		case 'run': {
			const notes = doc.getText(KEYS.run.notes);
			if (notes.length > 0 && rng.chance(0.2)) notes.delete(rng.int(0, notes.length - 1), rng.int(1, 10));
			else notes.insert(rng.int(0, notes.length), rng.chance(0.05) ? 'n'.repeat(100_000) : rng.text(20));
			return;
		}
		case 'experiment':
			return editEntry(pickEntry(doc.getMap(KEYS.experiment.runs)), { name: text, lifecycle });
		case 'workspace':
			return editEntry(pickEntry(doc.getMap(KEYS.workspace.experiments)), { name: text, lifecycle, lastUpdateTime: time });
		case 'registry':
			if (rng.chance(0.5)) return editEntry(pickEntry(doc.getMap(KEYS.registry.models)), { name: text, description: text, lastUpdateTime: time });
			return editEntry(pickEntry(doc.getMap(KEYS.registry.versions)), { stage: () => rng.pick(['None', 'Staging', 'Production', 'Archived', 'Live']), description: text, deleted: () => rng.pick([true, false]), lastUpdateTime: time });
		case 'models': {
			const tags = doc.getMap<Value>(KEYS.models.tags);
			if (rng.chance(0.2)) return void doc.getMap<Value>(KEYS.models.touched).set(rng.pick([...tags.keys(), 'm-0']), time());
			return editTags(pickEntry(tags));
		}
		default:
			return applyRandomEdit(rng, doc, name);
	}
}

/** The update 1 to `maxEdits` random edits make on a copy of `state` (a full Yjs update), with a fresh client id. */
export function createRandomUpdate(rng: FuzzRandom, state: Uint8Array, name: string, maxEdits = 3): Uint8Array {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	const before = Y.encodeStateVector(doc);
	doc.transact(() => {
		for (let i = rng.int(1, maxEdits); i > 0; i--) applyRandomEdit(rng, doc, name);
	});
	const update = Y.encodeStateAsUpdate(doc, before);
	doc.destroy();
	return update;
}

/** `frame` with 1 to 3 random bits flipped. */
export function flipBits(rng: FuzzRandom, frame: Uint8Array): Uint8Array {
	const out = Uint8Array.from(frame);
	if (out.length === 0) return out;
	for (let i = rng.int(1, 3); i > 0; i--) out[rng.int(0, out.length - 1)] ^= 1 << rng.int(0, 7);
	return out;
}

/** Frames whose varints are past 2^53 or claim lengths far past the frame: as a type, a sync type, a length, a count. */
export function createHugeVarintFrame(rng: FuzzRandom): Uint8Array {
	const huge = [...Array(rng.int(8, 12)).fill(0xff), 0x7f];
	return Uint8Array.from(
		rng.pick([
			huge,
			[0, ...huge],
			[0, rng.int(0, 2), ...huge, 1, 2, 3],
			[0, 0, 10, ...huge],
			[1, ...huge],
			[1, 10, ...huge, 0, 1, 0x7b],
			[0, 2, 0xff, 0xff, 0xff, 0x0f, 0, 0],
			[0, 2, 12, ...huge, 0]
		])
	);
}
