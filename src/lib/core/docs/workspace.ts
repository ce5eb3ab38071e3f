// The `workspace` document: the list of experiments (id, name, tags, lifecycle, times, artifact location).
// Experiment names are unique; two peers that create the same name offline settle deterministically at read time.
import * as Y from 'yjs';
import { KEYS, EXPERIMENT_FIELDS as F, type Lifecycle } from '../schema';
import { DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME } from '../ids';
import { createMap, ensureMap, readNumber, readString, readStringMap, setIfChanged, type YRecord } from './ymap';

export interface Experiment {
	experiment_id: string;
	name: string;
	lifecycle: Lifecycle;
	creation_time: number;
	last_update_time: number;
	artifact_location: string;
	tags: Record<string, string>;
}

function experimentsMap(ws: Y.Doc): Y.Map<YRecord> {
	return ws.getMap<YRecord>(KEYS.workspace.experiments);
}

function readEntry(id: string, m: YRecord): Experiment {
	return {
		experiment_id: id,
		name: readString(m, F.name, id),
		lifecycle: readString(m, F.lifecycle) === 'deleted' ? 'deleted' : 'active',
		creation_time: readNumber(m, F.creationTime),
		last_update_time: readNumber(m, F.lastUpdateTime),
		// The guard lets a client create an entry only under mlflow-artifacts:/<id>; one without it reads as that.
		artifact_location: readString(m, F.artifactLocation) || `mlflow-artifacts:/${id}`,
		tags: readStringMap(m, F.tags)
	};
}

/**
 * Every experiment, names settled: when several share a name (created offline on different peers), the earliest
 * (creation_time, then id) keeps it and the others read as `name (id)`. Every peer computes the same result.
 */
export function readExperiments(ws: Y.Doc): Experiment[] {
	const all: Experiment[] = [];
	for (const [id, m] of experimentsMap(ws).entries()) if (m instanceof Y.Map) all.push(readEntry(id, m));
	all.sort((a, b) => a.creation_time - b.creation_time || (a.experiment_id < b.experiment_id ? -1 : 1));
	const taken = new Set<string>();
	for (const e of all) {
		if (taken.has(e.name)) e.name = `${e.name} (${e.experiment_id})`;
		taken.add(e.name);
	}
	return all;
}

export function readExperiment(ws: Y.Doc, id: string): Experiment | null {
	return readExperiments(ws).find((e) => e.experiment_id === id) ?? null;
}

/** The experiment with this (settled) name; an active one is preferred over a deleted one. */
export function findExperimentByName(ws: Y.Doc, name: string): Experiment | null {
	const matches = readExperiments(ws).filter((e) => e.name === name);
	return matches.find((e) => e.lifecycle === 'active') ?? matches[0] ?? null;
}

export interface NewExperiment {
	experimentId: string;
	name: string;
	artifactLocation: string;
	tags?: Record<string, string>;
	/** ms since epoch */
	now: number;
}

/** Adds an experiment. The caller has checked that the name is free and the id is new. */
export function createExperiment(ws: Y.Doc, e: NewExperiment): void {
	ws.transact(() => {
		const tags = new Y.Map<string>();
		for (const [k, v] of Object.entries(e.tags ?? {})) tags.set(k, v);
		const entry = createMap({
			[F.name]: e.name,
			[F.lifecycle]: 'active',
			[F.creationTime]: e.now,
			[F.lastUpdateTime]: e.now,
			[F.artifactLocation]: e.artifactLocation
		});
		entry.set(F.tags, tags);
		experimentsMap(ws).set(e.experimentId, entry);
	});
}

/** Creates experiment "0" named "Default" if this workspace has none (only the server calls this). */
export function ensureDefaultExperiment(ws: Y.Doc, artifactLocation: string, now: number): void {
	if (experimentsMap(ws).has(DEFAULT_EXPERIMENT_ID)) return;
	createExperiment(ws, { experimentId: DEFAULT_EXPERIMENT_ID, name: DEFAULT_EXPERIMENT_NAME, artifactLocation, now });
}

function entryOf(ws: Y.Doc, id: string): YRecord | null {
	const m = experimentsMap(ws).get(id);
	return m instanceof Y.Map ? m : null;
}

/** Applies a partial update to an existing experiment; returns false if it does not exist. */
export function updateExperiment(
	ws: Y.Doc,
	id: string,
	patch: { name?: string; lifecycle?: Lifecycle; tags?: Record<string, string>; deleteTags?: string[]; now: number }
): boolean {
	const m = entryOf(ws, id);
	if (!m) return false;
	ws.transact(() => {
		if (patch.name !== undefined) setIfChanged(m, F.name, patch.name);
		if (patch.lifecycle !== undefined) setIfChanged(m, F.lifecycle, patch.lifecycle);
		const tags = ensureMap<string>(m, F.tags);
		for (const [k, v] of Object.entries(patch.tags ?? {})) if (tags.get(k) !== v) tags.set(k, v);
		for (const k of patch.deleteTags ?? []) tags.delete(k);
		setIfChanged(m, F.lastUpdateTime, patch.now);
	});
	return true;
}

/** Calls `fn(id, origin)` for each experiment entry added to `ws`, with the origin of the transaction that added it. */
export function observeNewExperiments(ws: Y.Doc, fn: (id: string, origin: unknown) => void): () => void {
	const map = experimentsMap(ws);
	const handler = (event: Y.YMapEvent<YRecord>) => {
		for (const [id, change] of event.changes.keys) if (change.action === 'add') fn(id, event.transaction.origin);
	};
	map.observe(handler);
	return () => map.unobserve(handler);
}
