// The `exp/<id>` document: one header per run (name, status, user, times, lifecycle, artifact URI) with its
// params (one plain-object value, DESIGN §2: only the server writes them and a param never changes, so one Yjs item
// per run instead of one per param; documents written before keep a nested Y.Map, still read and extended) and
// tags (editable Y.Map, also offline).
import * as Y from 'yjs';
import { KEYS, RUN_FIELDS as F, RUN_STATUSES, type Lifecycle, type RunStatus } from '../schema';
import type { RunRow, MetricSummary } from '../run-row';
import { isRunColor } from '../run-color';
import { createMap, ensureMap, readNumber, readNumberOrNull, readString, readStringMap, setIfChanged, type YRecord } from './ymap';

export interface NewRun {
	runId: string;
	experimentId: string;
	name: string;
	user: string;
	/** ms since epoch */
	startTime: number;
	status: RunStatus;
	artifactUri: string;
	params?: Record<string, string>;
	tags?: Record<string, string>;
}

function runsMap(exp: Y.Doc): Y.Map<YRecord> {
	return exp.getMap<YRecord>(KEYS.experiment.runs);
}

function headerOf(exp: Y.Doc, runId: string): YRecord | null {
	const m = runsMap(exp).get(runId);
	return m instanceof Y.Map ? m : null;
}

export function hasRun(exp: Y.Doc, runId: string): boolean {
	return headerOf(exp, runId) !== null;
}

export function createRun(exp: Y.Doc, r: NewRun): void {
	exp.transact(() => {
		const header = createMap({
			[F.name]: r.name,
			[F.status]: r.status,
			[F.user]: r.user,
			[F.startTime]: r.startTime,
			[F.endTime]: null,
			[F.lifecycle]: 'active',
			[F.artifactUri]: r.artifactUri
		});
		const tags = new Y.Map<string>();
		for (const [k, v] of Object.entries(r.tags ?? {})) tags.set(k, v);
		if (r.params && Object.keys(r.params).length > 0) header.set(F.params, { ...r.params });
		header.set(F.tags, tags);
		runsMap(exp).set(r.runId, header);
	});
}

function toStatus(s: string): RunStatus {
	return (RUN_STATUSES as readonly string[]).includes(s) ? (s as RunStatus) : 'RUNNING';
}

function readHeader(experimentId: string, runId: string, m: YRecord, metrics: Record<string, MetricSummary>): RunRow {
	const color = m.get(F.color);
	const row: RunRow = {
		run_id: runId,
		experiment_id: experimentId,
		name: readString(m, F.name),
		status: toStatus(readString(m, F.status)),
		lifecycle: readString(m, F.lifecycle) === 'deleted' ? 'deleted' : 'active',
		user: readString(m, F.user),
		start_time: readNumber(m, F.startTime),
		end_time: readNumberOrNull(m, F.endTime),
		artifact_uri: readString(m, F.artifactUri),
		params: readStringMap(m, F.params),
		tags: readStringMap(m, F.tags),
		metrics
	};
	if (isRunColor(color)) row.color = color;
	return row;
}

/** One run as a row; `metrics` comes from the live document (see live.ts). Null if the run is not here. */
export function readRun(exp: Y.Doc, experimentId: string, runId: string, metrics: Record<string, MetricSummary> = {}): RunRow | null {
	const m = headerOf(exp, runId);
	return m ? readHeader(experimentId, runId, m, metrics) : null;
}

/** Every run of the experiment as rows, joined with metric summaries by run id. */
export function readRuns(exp: Y.Doc, experimentId: string, metricsByRun: (runId: string) => Record<string, MetricSummary> = () => ({})): RunRow[] {
	const rows: RunRow[] = [];
	for (const [runId, m] of runsMap(exp).entries()) {
		if (m instanceof Y.Map) rows.push(readHeader(experimentId, runId, m, metricsByRun(runId)));
	}
	return rows;
}

/** Keys whose logged value differs from `params` (MLflow: a param, once logged, cannot change). */
export function findParamConflicts(exp: Y.Doc, runId: string, params: Record<string, string>): string[] {
	const m = headerOf(exp, runId);
	const existing = m ? readStringMap(m, F.params) : {};
	return Object.entries(params)
		.filter(([k, v]) => k in existing && existing[k] !== v)
		.map(([k]) => k);
}

export interface RunPatch {
	name?: string;
	status?: RunStatus;
	endTime?: number | null;
	lifecycle?: Lifecycle;
	params?: Record<string, string>;
	tags?: Record<string, string>;
	deleteTags?: string[];
}

/** Applies a patch to an existing run header; params are only added (never overwritten). False if no such run. */
export function updateRun(exp: Y.Doc, runId: string, patch: RunPatch): boolean {
	const m = headerOf(exp, runId);
	if (!m) return false;
	exp.transact(() => {
		if (patch.name !== undefined) setIfChanged(m, F.name, patch.name);
		if (patch.status !== undefined) setIfChanged(m, F.status, patch.status);
		if (patch.endTime !== undefined) setIfChanged(m, F.endTime, patch.endTime);
		if (patch.lifecycle !== undefined) setIfChanged(m, F.lifecycle, patch.lifecycle);
		if (patch.params) {
			const stored = m.get(F.params);
			if (stored instanceof Y.Map) {
				for (const [k, v] of Object.entries(patch.params)) if (!stored.has(k)) stored.set(k, v);
			} else {
				const prev = readStringMap(m, F.params);
				const added = Object.entries(patch.params).filter(([k]) => !(k in prev));
				if (added.length > 0) m.set(F.params, { ...prev, ...Object.fromEntries(added) });
			}
		}
		if (patch.tags || patch.deleteTags) {
			const tags = ensureMap<string>(m, F.tags);
			for (const [k, v] of Object.entries(patch.tags ?? {})) if (tags.get(k) !== v) tags.set(k, v);
			for (const k of patch.deleteTags ?? []) tags.delete(k);
		}
	});
	return true;
}

/** Gives a run the colour `color` (`#rrggbb`), or its default back with null. False if no such run or a bad colour. */
export function setRunColor(exp: Y.Doc, runId: string, color: string | null, origin?: unknown): boolean {
	const m = headerOf(exp, runId);
	if (!m || (color !== null && !isRunColor(color))) return false;
	exp.transact(() => {
		if (color === null) m.delete(F.color);
		else setIfChanged(m, F.color, color);
	}, origin);
	return true;
}

/** Runs of this experiment, as ids, for counting and listing without building rows. */
export function readRunIds(exp: Y.Doc): string[] {
	return [...runsMap(exp).keys()];
}
