// The native JSON ingest and read API under /api/ (README "API"): create runs and experiments, log batches,
// end runs, read runs and metric series. Wire shapes live in src/lib/core/api/native.ts, parsing in
// src/lib/core/ingest.ts, writes in ../tracking.
import type { NativeAnswer, NativeRoute, RunJson } from '../../src/lib/core/api/native';
import { parseCreateExperiment, parseCreateRun, parseEndRun, parseLogBatch } from '../../src/lib/core/ingest';
import { invalid } from '../../src/lib/core/errors';
import { encodeNumber, encodeSummary } from '../../src/lib/core/series/summary';
import { encodeDocBatchAnswer, parseDocBatchRequest, parseDocRequest, type DocRequest } from '../../src/lib/core/doc-batch';
import type { RunRow } from '../../src/lib/core/run-row';
import { parseFirstScreenRequest } from '../../src/lib/core/table/row-view';
import type { ExperimentService } from '../tracking/experiments';
import type { RunService } from '../tracking/runs';
import type { ServerResponse } from 'node:http';
import { sendJsonPieces, type Router } from './router';
import { writeInSlices } from '../tracking/yield-loop';
import type { SeriesColumns } from '../../src/lib/core/chunk';
import { identityOf, readableBy } from '../auth/http-gate';
import { encodeOverviewAnswer, parseOverviewRequest } from '../../src/lib/core/series/overview-wire';

/**
 * A native log batch may carry 100,000 points (~120 bytes each as rows) and 1,000 params and tags (values up to
 * 6,000 and 8,000 characters): 32 MiB, above the router's default.
 */
const LOG_BODY_LIMIT = 32 * 1024 * 1024;

/** A run as the native API returns it: non-finite metric numbers become "NaN" / "Infinity" / "-Infinity". */
export function toRunJson(row: RunRow): RunJson {
	return {
		...row,
		metrics: Object.fromEntries(Object.entries(row.metrics).map(([k, s]) => [k, encodeSummary(s)]))
	};
}

/** What route `R`'s handler resolves with (the router sends it as JSON). */
type Answer<R extends NativeRoute> = Promise<NativeAnswer<R>>;

export interface NativeApiDeps {
	experiments: ExperimentService;
	runs: RunService;
	/** Serves GET /api/docs/<name>: the update a client with state vector `sv` is missing. */
	encodeDiff(name: string, sv?: Uint8Array): Promise<Uint8Array>;
	now?: () => number;
}

export function addNativeApi(router: Router, deps: NativeApiDeps): void {
	const { experiments, runs } = deps;
	const now = deps.now ?? Date.now;

	router
		// Each experiment with its run counts and last activity (README "API"), so listing needs no runs.
		.add('GET', /^\/api\/experiments$/, async (ctx): Answer<'GET /api/experiments'> => {
			const readable = readableBy(ctx.req, 'experiment');
			const all = await experiments.list();
			const list = readable ? all.filter((e) => readable(e.experiment_id)) : all;
			return { experiments: await Promise.all(list.map(async (e) => ({ ...e, ...(await runs.counts(e.experiment_id)) }))) };
		})
		.add('POST', /^\/api\/experiments$/, async (ctx): Answer<'POST /api/experiments'> => {
			const cmd = parseCreateExperiment(await ctx.json());
			const experiment_id = await experiments.create(cmd.name, cmd.tags, cmd.artifactLocation);
			return { experiment_id };
		})
		.add('GET', /^\/api\/experiments\/([^/]+)$/, async (ctx): Answer<'GET /api/experiments/{experiment_id}'> => ({ experiment: await experiments.get(ctx.params[0]) }))
		.add('GET', /^\/api\/experiments\/([^/]+)\/runs$/, async (ctx): Answer<'GET /api/experiments/{experiment_id}/runs'> => ({
			runs: (await runs.list(ctx.params[0])).map(toRunJson)
		}))
		// The first rows of a runs-table view, so a first visit paints them before the documents arrive (README "API").
		.add('GET', /^\/api\/experiments\/([^/]+)\/first-screen$/, async (ctx): Answer<'GET /api/experiments/{experiment_id}/first-screen'> => {
			const screen = await runs.firstScreen(ctx.params[0], parseFirstScreenRequest(ctx.url.searchParams));
			return { experiment_name: screen.experimentName, rows: screen.rows.map(toRunJson), children: screen.children, matched: screen.matched, total: screen.total };
		})
		.add('POST', /^\/api\/runs$/, async (ctx): Answer<'POST /api/runs'> => {
			const cmd = parseCreateRun(await ctx.json());
			const experimentId =
				cmd.experimentName !== undefined
					? await experiments.ensureByName(cmd.experimentName)
					: (cmd.experimentId ?? '0');
			const row = await runs.create({ experimentId, runName: cmd.runName, startTime: cmd.startTime, user: identityOf(ctx.req) ?? cmd.user, tags: cmd.tags, params: cmd.params });
			return { run_id: row.run_id, experiment_id: row.experiment_id, run_name: row.name };
		})
		.add('GET', /^\/api\/runs\/([^/]+)$/, async (ctx): Answer<'GET /api/runs/{run_id}'> => ({ run: toRunJson(await runs.get(ctx.params[0])) }))
		.add('POST', /^\/api\/runs\/([^/]+)\/log$/, async (ctx): Answer<'POST /api/runs/{run_id}/log'> => {
			const cmd = parseLogBatch(await ctx.json(), now());
			const { applied } = await runs.log(ctx.params[0], cmd);
			return { applied, points: applied ? cmd.pointCount : 0 };
		}, { bodyLimit: LOG_BODY_LIMIT })
		.add('POST', /^\/api\/runs\/([^/]+)\/end$/, async (ctx): Answer<'POST /api/runs/{run_id}/end'> => {
			const cmd = parseEndRun(await ctx.json());
			const row = await runs.update(ctx.params[0], { status: cmd.status, endTime: cmd.endTime ?? now() });
			return { run: toRunJson(row) };
		})
		// The NativeAnswer<'GET /api/runs/{run_id}/metrics/{key}'> shape, written column by column in slices and sent as
		// it is made: a million points are neither one string nor one long block of the event loop.
		.add('GET', /^\/api\/runs\/([^/]+)\/metrics\/(.+)$/, async (ctx) => {
			const [runId, key] = ctx.params;
			const cols = await runs.history(runId, key);
			await sendJsonPieces(ctx.res, 200, writeHistoryJson(key, cols));
			return undefined;
		})
		// Many series' min/max overviews at once, binary (series/overview-wire.ts): a chart workspace's screenful.
		.add('POST', /^\/api\/series\/overview$/, async (ctx) => {
			const req = parseOverviewRequest(await ctx.json());
			sendBinary(ctx.res, encodeOverviewAnswer(await runs.overviews(req.series, req.points)));
			return undefined;
		})
		.add('GET', /^\/api\/docs\/(.+)$/, async (ctx) => {
			sendBinary(ctx.res, await encodeDiffOf(parseDocRequest(ctx.params[0], ctx.url.searchParams.get('sv'))));
			return undefined;
		})
		.add('POST', /^\/api\/docs$/, async (ctx) => {
			const docs = parseDocBatchRequest(await ctx.json());
			sendBinary(ctx.res, encodeDocBatchAnswer(await Promise.all(docs.map(encodeDiffOf))));
			return undefined;
		});

	/** The update a client with `doc.sv` is missing; a state vector Yjs cannot read is the client's error. */
	async function encodeDiffOf(doc: DocRequest): Promise<Uint8Array> {
		try {
			return await deps.encodeDiff(doc.name, doc.sv.byteLength > 0 ? doc.sv : undefined);
		} catch (e) {
			if (doc.sv.byteLength > 0) throw invalid(`'sv' is not a valid Yjs state vector for '${doc.name}'`);
			throw e;
		}
	}
}

const HISTORY_SLICE = 20_000;

/** `{key, steps, timestamps, values}` as JSON text pieces; values as encodeNumber writes them (NaN, ±Infinity as strings). */
async function* writeHistoryJson(key: string, cols: SeriesColumns): AsyncGenerator<string> {
	const n = cols.steps.length;
	const column = (of: ArrayLike<number>, encode: (v: number) => unknown) =>
		writeInSlices(n, HISTORY_SLICE, (from, to) => {
			const part: unknown[] = new Array(to - from);
			for (let i = from; i < to; i++) part[i - from] = encode(of[i]);
			const text = JSON.stringify(part);
			return (from === 0 ? '' : ',') + text.slice(1, -1);
		});
	const same = (v: number) => v;
	yield `{"key":${JSON.stringify(key)},"steps":[`;
	yield* await column(cols.steps, same);
	yield '],"timestamps":[';
	yield* await column(cols.timestamps, same);
	yield '],"values":[';
	yield* await column(cols.values, encodeNumber);
	yield ']}';
}

function sendBinary(res: ServerResponse, bytes: Uint8Array): void {
	res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.byteLength, 'cache-control': 'no-store' });
	res.end(bytes);
}
