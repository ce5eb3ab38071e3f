// Run operations shared by the native and MLflow APIs: create, read, patch, log batches of params, tags and
// metric points. Each write touches its documents in one synchronous block and resolves once durable.
import type * as Y from 'yjs';
import { docNames, type RunStatus, type Lifecycle } from '../../src/lib/core/schema';
import { createRunId, createRunName, isRunId, DEFAULT_EXPERIMENT_ID } from '../../src/lib/core/ids';
import { invalid, notFound } from '../../src/lib/core/errors';
import { LIMITS } from '../../src/lib/core/validate';
import type { RunRow, MetricSummary } from '../../src/lib/core/run-row';
import type { SeriesColumns } from '../../src/lib/core/chunk';
import { createRun, findParamConflicts, hasRun, readRun, readRunIds, readRuns, updateRun, type RunPatch } from '../../src/lib/core/docs/experiment';
import { hasBatch, readMetricSummaries, recordBatch, setMetricSummaries } from '../../src/lib/core/docs/live';
import { readRunExperiment, setRunExperiment, setSeriesParts } from '../../src/lib/core/docs/run';
import { appendSeriesChunk } from '../../src/lib/core/docs/series';
import { foldSummary } from '../../src/lib/core/series/summary';
import { API_ORIGIN, readDocs, type DocAccess } from './doc-access';
import type { ExperimentService } from './experiments';
import { createDocMemo } from './doc-memo';
import { createRunRowCache, type RoomEvents } from './run-rows';
import { createSeriesReader } from './run-series';
import { createOverviewStore } from './series-overviews';
import { createSliceClock } from './yield-loop';
import { createViewReader } from './run-views';
import { readExperiment, updateExperiment } from '../../src/lib/core/docs/workspace';
import { readRunCounts, type RunCounts } from '../../src/lib/core/docs/run-counts';
import { appendRunInputs, readRunInputs, type RunInputs } from '../../src/lib/core/mlflow/run-inputs';
import { parseFirstScreenRequest, type FirstScreenRequest } from '../../src/lib/core/table/row-view';
import { CLIENT_KEY_TAG } from '../../src/lib/core/api/native';
import { applyNoteWrite, createNotesMirror, type NotesEvents } from './run-notes';

export interface NewRunInput {
	experimentId: string;
	runName?: string;
	user?: string;
	/** ms since epoch */
	startTime?: number;
	tags?: Record<string, string>;
	params?: Record<string, string>;
}

export interface LogInput {
	batchId?: string;
	params?: Record<string, string>;
	tags?: Record<string, string>;
	deleteTags?: string[];
	metrics?: Map<string, SeriesColumns>;
}

/** A run's name, whichever API and field gave it: at most LIMITS.runNameLength characters (400 otherwise). */
function checkRunNameLength(name: string): string {
	if (name.length > LIMITS.runNameLength) throw invalid(`Run name '${name.slice(0, 40)}…' exceeds the maximum length of ${LIMITS.runNameLength} characters`);
	return name;
}

export const runArtifactUri = (experimentId: string, runId: string) => `mlflow-artifacts:/${experimentId}/${runId}/artifacts`;

/** Runs whose inputs are read in one slice (see readInputs). */
const INPUTS_SLICE = 500;
/** ms after a write before an experiment's rows are read again in the background. */
const ROWS_REREAD_MS = 2_000;
/** The runs table's view when its URL names none: what a first visit from a link to the experiment asks for. */
const DEFAULT_VIEW = parseFirstScreenRequest(new URLSearchParams());

/** The relay's refresh (several instances only, see Relay.refresh): a batch id's check must see every committed batch. */
interface StoreRefresh {
	refresh?(names: readonly string[]): Promise<void>;
}

export function createRunService(access: DocAccess & Partial<RoomEvents & NotesEvents> & StoreRefresh, experiments: ExperimentService, now: () => number = Date.now) {
	const runRows = createRunRowCache(access.on ? (access as RoomEvents) : undefined);
	// A run's notes are its note tag: every read below first settles the copies of relay edits that are due.
	const notes = createNotesMirror(access, access.on ? (access as NotesEvents) : undefined);
	const series = createSeriesReader(access);
	const overviewStore = createOverviewStore({ readHistory: (runId, key) => series.history(runId, key), events: access.on ? (access as RoomEvents) : undefined });
	const runCounts = createDocMemo<RunCounts>();
	const views = createViewReader();
	/** Experiments written to lately, whose rows are read again in the background (see keepRowsRead). */
	const rereads = new Map<string, ReturnType<typeof setTimeout>>();
	/**
	 * Reads an experiment's rows again ROWS_REREAD_MS after a write (at most once per period while writes go on),
	 * and the table's default view of them (a few ms for 10,000 runs), so a first visit's first screen or a search
	 * finds them read instead of reading and ordering 10,000 runs while it waits (a page render waits only briefly).
	 */
	function keepRowsRead(expId: string): void {
		if (rereads.has(expId)) return;
		const timer = setTimeout(() => {
			rereads.delete(expId);
			// Deleted meanwhile, or the relay is closing: nothing to keep.
			service.list(expId).then((rows) => views.read(expId, rows, DEFAULT_VIEW, now())).catch(() => {});
		}, ROWS_REREAD_MS);
		timer.unref?.();
		rereads.set(expId, timer);
	}
	/** Every run of an existing experiment (see list): the frozen rows of an idle one, else read from its documents. */
	async function readRows(experimentId: string): Promise<readonly RunRow[]> {
		await notes.settle();
		const frozen = runRows.readFrozen(experimentId);
		if (frozen) return frozen;
		return readDocs(access, [docNames.experiment(experimentId), docNames.live(experimentId)], ([exp, live]) => runRows.read(experimentId, exp, live));
	}
	/** The experiment a run belongs to, from its run document (and holding it); 404 for an unknown run. */
	/** Whether experiment `expId` has run `runId`: from its frozen rows when idle, else from its document. */
	async function holdsRun(expId: string, runId: string): Promise<boolean> {
		const frozen = runRows.readFrozenRow(expId, runId);
		if (frozen !== undefined) return frozen !== null;
		return readDocs(access, [docNames.experiment(expId)], ([exp]) => hasRun(exp, runId));
	}
	async function locate(runId: string): Promise<string> {
		if (!isRunId(runId)) throw invalid(`Invalid run id '${runId}': expected 32 hexadecimal characters`);
		const expId = await readDocs(access, [docNames.run(runId)], ([run]) => readRunExperiment(run));
		// The run document is client-writable: the experiment it names must hold the run, or there is no such run.
		if (expId === null || !(await holdsRun(expId, runId))) throw notFound(`Run '${runId}' not found`);
		return expId;
	}

	function assertActive(exp: Y.Doc, expId: string, runId: string): RunRow {
		const row = readRun(exp, expId, runId);
		if (!row) throw notFound(`Run '${runId}' not found`);
		if (row.lifecycle !== 'active') throw invalid(`The run ${runId} must be in the 'active' state. Current state is deleted.`);
		return row;
	}

	const service = {
		locate,
		/** Resolves once every due copy of relay note edits into note tags is written (before the relay closes). */
		settleNotes: () => notes.settle(),

		async create(input: NewRunInput): Promise<RunRow> {
			const experiment = await experiments.get(input.experimentId);
			if (experiment.lifecycle !== 'active') {
				throw invalid(`The experiment ${input.experimentId} must be in the 'active' state. Current state is deleted.`);
			}
			const runId = createRunId();
			const expId = experiment.experiment_id;
			const tags = { ...input.tags };
			const name = checkRunNameLength(input.runName || tags['mlflow.runName'] || createRunName());
			tags['mlflow.runName'] = name;
			const user = input.user || tags['mlflow.user'] || 'unknown';
			// Several instances: the SDK's look-up before this retry may have read an instance that lacks a create
			// committed by one that died before publishing it. Brought up to the store, the experiment has it or not.
			const clientKey = tags[CLIENT_KEY_TAG];
			if (clientKey !== undefined && access.refresh) {
				// From the document, not the frozen rows (an idle experiment's, which that create never thawed here).
				await access.refresh([docNames.experiment(expId)]);
				const created = await readDocs(access, [docNames.experiment(expId)], ([exp]) =>
					readRuns(exp, expId).find((r) => r.tags[CLIENT_KEY_TAG] === clientKey)
				);
				if (created) return created;
			}
			const names = [docNames.experiment(expId), docNames.run(runId)];
			return access.transact(
				names,
				([exp, run]) => {
					setRunExperiment(run, expId);
					applyNoteWrite(run, tags);
					createRun(exp, {
						runId,
						experimentId: expId,
						name,
						user,
						startTime: input.startTime ?? now(),
						status: 'RUNNING',
						artifactUri: runArtifactUri(expId, runId),
						params: input.params,
						tags
					});
					return readRun(exp, expId, runId)!;
				},
				API_ORIGIN
			).finally(() => keepRowsRead(expId));
		},

		async get(runId: string): Promise<RunRow> {
			const expId = await locate(runId);
			await notes.settle(runId);
			const read = ([exp, live]: Y.Doc[]) => readRun(exp, expId, runId, readMetricSummaries(live, runId));
			const row = runRows.readFrozenRow(expId, runId) ?? (await readDocs(access, [docNames.experiment(expId), docNames.live(expId)], read));
			if (!row) throw notFound(`Run '${runId}' not found`);
			return row;
		},

		/**
		 * Every run of an experiment (all lifecycles) with metric summaries. The same array comes back until a run
		 * changes, and then only the changed runs are new row objects: treat them as read-only.
		 */
		async list(experimentId: string = DEFAULT_EXPERIMENT_ID): Promise<readonly RunRow[]> {
			await experiments.get(experimentId);
			return readRows(experimentId);
		},

		/**
		 * The first `limit` rows of a runs-table view (filter, sort, deleted toggle; not grouped), each parent folded
		 * with its child count (`children`, per row), with the experiment's name and the number of rows it matches
		 * and of active runs: what the page shows before its documents arrive. 404 for an unknown experiment. Rows
		 * are read-only.
		 */
		async firstScreen(
			experimentId: string,
			request: FirstScreenRequest
		): Promise<{ experimentName: string; rows: readonly RunRow[]; children: number[]; matched: number; total: number }> {
			const { name } = await experiments.get(experimentId);
			const rows = await readRows(experimentId);
			const { matched, drawn, children, total } = await views.read(experimentId, rows, request, now());
			return { experimentName: name, rows: drawn.slice(0, request.limit), children: children.slice(0, request.limit), matched: matched.length, total };
		},

		/**
		 * Run counts and last activity of an experiment (no existence check: an unknown id has no runs), memoised
		 * until its documents change.
		 */
		counts(experimentId: string): Promise<RunCounts> {
			return readDocs(access, [docNames.experiment(experimentId), docNames.live(experimentId)], (docs) =>
				runCounts.read(experimentId, docs, ([exp, live]) => readRunCounts(exp, live))
			);
		},

		/** Status, end time, name or lifecycle changes. */
		async update(runId: string, patch: { status?: RunStatus; endTime?: number | null; name?: string; lifecycle?: Lifecycle }): Promise<RunRow> {
			const expId = await locate(runId);
			return access.transact(
				[docNames.experiment(expId), docNames.live(expId)],
				([exp, live]) => {
					if (!hasRun(exp, runId)) throw notFound(`Run '${runId}' not found`);
					const runPatch: RunPatch = { ...patch };
					if (patch.name !== undefined) runPatch.tags = { 'mlflow.runName': checkRunNameLength(patch.name) };
					updateRun(exp, runId, runPatch);
					return readRun(exp, expId, runId, readMetricSummaries(live, runId))!;
				},
				API_ORIGIN
			).finally(() => keepRowsRead(expId));
		},

		/**
		 * Logs params, tags and metric points atomically: every check runs before any write, so a rejected batch
		 * changes nothing. A batch id already applied for this run is a no-op. Returns whether it was applied.
		 */
		async log(runId: string, input: LogInput): Promise<{ applied: boolean }> {
			const expId = await locate(runId);
			const metrics = input.metrics ?? new Map<string, SeriesColumns>();
			const targets = await series.targets(runId, [...metrics.keys()]);
			const seriesNames = [...targets.values()].map((t) => t.name);
			const names = [docNames.experiment(expId), docNames.live(expId), docNames.run(runId), ...seriesNames];
			// Another instance may have committed this batch and died before publishing it (the client, unanswered,
			// retries here): the live document must hold what the store holds before its batch ids are trusted.
			const refresh = input.batchId !== undefined ? access.refresh : undefined;
			if (refresh) await refresh([docNames.live(expId)]);
			const result = await access.transact(
				names,
				([exp, live, run, ...seriesDocs]) => {
					assertActive(exp, expId, runId);
					if (input.batchId !== undefined && hasBatch(live, runId, input.batchId)) return { applied: false };
					const conflicts = findParamConflicts(exp, runId, input.params ?? {});
					if (conflicts.length > 0) {
						const key = conflicts[0];
						const old = readRun(exp, expId, runId)!.params[key];
						throw invalid(
							`Changing param values is not allowed. Param with key='${key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${input.params![key]}'.`
						);
					}
					if (input.params || input.tags || input.deleteTags) {
						updateRun(exp, runId, { params: input.params, tags: input.tags, deleteTags: input.deleteTags });
						applyNoteWrite(run, input.tags, input.deleteTags);
					}
					if (metrics.size > 0) {
						const prev = readMetricSummaries(live, runId);
						const next: Record<string, MetricSummary> = {};
						let i = 0;
						for (const [key, cols] of metrics) {
							const doc = seriesDocs[i++];
							const { part } = targets.get(key)!;
							appendSeriesChunk(doc, cols);
							overviewStore.noteAppended(runId, key, prev[key] === undefined, cols);
							setSeriesParts(run, key, part + 1);
							next[key] = foldSummary(prev[key], cols);
						}
						setMetricSummaries(live, runId, next);
					}
					if (input.batchId !== undefined) recordBatch(live, runId, input.batchId, now());
					return { applied: true };
				},
				API_ORIGIN
			).finally(() => keepRowsRead(expId));
			// A retry of a batch committed elsewhere (rare): its points and params are read here next, bring them in too.
			if (refresh && !result.applied) await refresh(names);
			return result;
		},

		/**
		 * Every point of one metric (all parts, in append order); empty columns for a metric never logged, 404 for
		 * an unknown run. Memoised until the series changes, so the same object may come back: treat it as read-only.
		 */
		async history(runId: string, key: string): Promise<SeriesColumns> {
			await locate(runId);
			return series.history(runId, key);
		},

		/**
		 * Each series' overview (core/series/overview.ts) as at most `points` points, in request order; empty columns
		 * for a metric never logged, 404 for an unknown run.
		 */
		async overviews(series: readonly { runId: string; key: string }[], points: number): Promise<SeriesColumns[]> {
			await Promise.all([...new Set(series.map((s) => s.runId))].map(locate));
			return Promise.all(series.map((s) => overviewStore.read(s.runId, s.key, points)));
		},

		/**
		 * MLflow's experiment delete / restore: sets the lifecycle of the experiment and of every one of its runs in
		 * one write. 404 unless the experiment is currently in the other lifecycle (MLflow looks it up that way).
		 */
		async setExperimentLifecycle(experimentId: string, lifecycle: Lifecycle): Promise<void> {
			await experiments.get(experimentId);
			await access.transact(
				[docNames.workspace, docNames.experiment(experimentId)],
				([ws, exp]) => {
					const current = readExperiment(ws, experimentId);
					if (!current || current.lifecycle === lifecycle) throw notFound(`No Experiment with id=${experimentId} exists`);
					updateExperiment(ws, experimentId, { lifecycle, now: now() });
					for (const runId of readRunIds(exp)) updateRun(exp, runId, { lifecycle });
				},
				API_ORIGIN
			);
		},

		/** Adds dataset / model inputs to an active run; an input already logged keeps its first version. */
		async appendInputs(runId: string, inputs: RunInputs): Promise<void> {
			const expId = await locate(runId);
			await access.transact(
				[docNames.experiment(expId)],
				([exp]) => {
					assertActive(exp, expId, runId);
					appendRunInputs(exp, runId, inputs);
				},
				API_ORIGIN
			);
		},

		/** The inputs of the given runs of one experiment (empty lists for runs without any). */
		async readInputs(experimentId: string, runIds: readonly string[]): Promise<Map<string, RunInputs>> {
			const out = new Map<string, RunInputs>();
			const clock = createSliceClock();
			// A few hundred runs at a time, giving the loop back in between (10,000 runs take ~70 ms).
			for (let i = 0; i < runIds.length; i += INPUTS_SLICE) {
				const ids = runIds.slice(i, i + INPUTS_SLICE);
				await readDocs(access, [docNames.experiment(experimentId)], ([exp]) => ids.forEach((id) => out.set(id, readRunInputs(exp, id))));
				await clock.pause();
			}
			return out;
		}
	};
	return service;
}

export type RunService = ReturnType<typeof createRunService>;
