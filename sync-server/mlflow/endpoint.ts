// What every MLflow tracking endpoint shares: registration under both prefixes (/api/2.0/mlflow/… and
// /ajax-api/2.0/mlflow/…) with the request message read from the query (GET) or the JSON body, and run lookups
// that answer like MLflow (404 "Run with id=… not found", 400 for writes to a deleted run).
import { ApiError, invalid, notFound } from '../../src/lib/core/errors';
import { isRunId } from '../../src/lib/core/ids';
import { readBodyMessage, readQueryMessage, type MlflowMessage } from '../../src/lib/core/mlflow/message';
import type { RunRow } from '../../src/lib/core/run-row';
import type { ExperimentService } from '../tracking/experiments';
import type { RunService } from '../tracking/runs';
import type { LoggedModelService } from '../tracking/logged-models';
import { sendJsonPieces, sendJsonText, type RequestContext, type RouteOptions, type Router } from '../http/router';

export interface MlflowTrackingDeps {
	experiments: ExperimentService;
	runs: RunService;
	models: LoggedModelService;
}

/** A response body a handler serialised itself (large answers, written without building objects first). */
export class JsonText {
	constructor(readonly text: string) {}
}

/** A response body a handler writes as pieces of JSON text, sent as they come (answers of millions of items). */
export class JsonPieces {
	constructor(readonly pieces: AsyncIterable<string> | Iterable<string>) {}
}

/** Handles one request message; the returned object (or JsonText, JsonPieces) is sent as the 200 JSON body (`{}` for "nothing"). */
export type MlflowHandler = (m: MlflowMessage, ctx: RequestContext) => Promise<object> | object;

/**
 * Serves `path` (e.g. `runs/get`) under both prefixes, for GET and POST alike (MLflow lists both for its search
 * endpoints; the Python client uses one per RPC). Query fields named in `repeated` are read as lists; `routeOpts`
 * name a body limit other than the router's default.
 */
export function addMlflowEndpoint(router: Router, path: string, handler: MlflowHandler, repeated: readonly string[] = [], routeOpts?: RouteOptions): void {
	const pattern = new RegExp(`^/(?:api|ajax-api)/2\\.0/mlflow/${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
	const handle = async (ctx: RequestContext) => {
		const m = ctx.req.method === 'GET' ? readQueryMessage(ctx.url.searchParams, repeated) : readBodyMessage(await ctx.json(), await ctx.text());
		const out = await handler(m, ctx);
		if (out instanceof JsonPieces) await sendJsonPieces(ctx.res, 200, out.pieces);
		else if (out instanceof JsonText) sendJsonText(ctx.res, 200, out.text);
		else return out;
		return undefined;
	};
	router.add('GET', pattern, handle, routeOpts).add('POST', pattern, handle, routeOpts);
}

/** The run, or MLflow's 404 (also for ids that are not Tandem run ids: no such run can exist). */
export async function readRunOr404(runs: RunService, runId: string): Promise<RunRow> {
	const missing = () => notFound(`Run with id=${runId} not found`);
	if (!isRunId(runId)) throw missing();
	try {
		return await runs.get(runId);
	} catch (e) {
		if (e instanceof ApiError && e.code === 'RESOURCE_DOES_NOT_EXIST') throw missing();
		throw e;
	}
}

/** Each listed experiment's runs (memoised arrays); ids of experiments that do not exist are skipped, as MLflow does. */
export async function readRunsOf(runs: RunService, experimentIds: readonly string[]): Promise<(readonly RunRow[])[]> {
	const out: (readonly RunRow[])[] = [];
	for (const id of experimentIds) {
		try {
			out.push(await runs.list(id));
		} catch (e) {
			if (!(e instanceof ApiError && e.code === 'RESOURCE_DOES_NOT_EXIST')) throw e;
		}
	}
	return out;
}

/** MLflow refuses every write but delete/restore to a deleted run (a FINISHED run may still be written). */
export function assertRunActive(row: RunRow): RunRow {
	if (row.lifecycle !== 'active') {
		throw invalid(`The run ${row.run_id} must be in the 'active' state. Current state is ${row.lifecycle}.`);
	}
	return row;
}

/**
 * Runs writes to one key (a run id) one after another, so a check-then-write (identical metric points dropped,
 * param conflicts reported) sees every earlier MLflow write to that run. In-process: this server owns its docs.
 */
export function createKeyedQueue() {
	const tails = new Map<string, Promise<unknown>>();
	return {
		run<T>(key: string, fn: () => Promise<T>): Promise<T> {
			const next = (tails.get(key) ?? Promise.resolve()).then(fn);
			const tail = next.then(
				() => undefined,
				() => undefined
			);
			tails.set(key, tail);
			void tail.then(() => {
				if (tails.get(key) === tail) tails.delete(key);
			});
			return next;
		}
	};
}
