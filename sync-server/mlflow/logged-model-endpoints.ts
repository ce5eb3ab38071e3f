// MLflow 3.x logged models under both prefixes: create, get (allow_deleted), finalize, soft delete, search, tags
// and params. Artifacts go through the artifact routes (`<exp>/models/<model_id>/artifacts/…`, artifacts-api.ts).
import {
	parseCreateLoggedModelRequest,
	parseFinalizeLoggedModelRequest,
	parseLoggedModelTagsRequest,
	parseLogModelParamsRequest,
	parseSearchLoggedModelsRequest,
	toLoggedModelJson
} from '../../src/lib/core/mlflow/logged-model-requests';
import { readBodyMessage, readBool, readQueryMessage } from '../../src/lib/core/mlflow/message';
import type { LoggedModel } from '../tracking/logged-models';
import type { LoggedModelRecord } from '../../src/lib/core/docs/logged-models';
import type { RequestContext, Router } from '../http/router';
import { addMlflowEndpoint, createKeyedQueue, JsonText, type MlflowTrackingDeps } from './endpoint';
import { writePageJson } from '../../src/lib/core/mlflow/paging';
import { onlyReadable } from '../auth/http-gate';

const ROUTE = (rest: string) => new RegExp(`^/(?:api|ajax-api)/2\\.0/mlflow/logged-models/([^/]+)${rest}$`);
const toJson = (m: LoggedModel) => toLoggedModelJson(m.record, m.params);
const bodyOf = async (ctx: RequestContext) => readBodyMessage(await ctx.json());

export function addLoggedModelEndpoints(router: Router, { models }: MlflowTrackingDeps): void {
	// Writes to one model run one after another, so a read-check-write (tag deletes, param counts) sees the last one.
	const queue = createKeyedQueue();
	/** Each listed model's JSON text, for as long as its header record is current (a paged or repeated search). */
	const texts = new WeakMap<LoggedModelRecord, string>();
	const writeModelText = async (record: LoggedModelRecord) => {
		let text = texts.get(record);
		if (text === undefined) texts.set(record, (text = JSON.stringify(toLoggedModelJson(record, await models.readParamsOf(record)))));
		return text;
	};

	router.add('POST', /^\/(?:api|ajax-api)\/2\.0\/mlflow\/logged-models$/, async (ctx) => {
		return { model: toJson(await models.create(parseCreateLoggedModelRequest(await bodyOf(ctx)))) };
	});

	addMlflowEndpoint(
		router,
		'logged-models/search',
		async (m, ctx) => {
			const req = parseSearchLoggedModelsRequest(m);
			const page = await models.search({ ...req, experimentIds: onlyReadable(ctx.req, req.experimentIds) });
			const items = await Promise.all(page.items.map((r) => writeModelText(r)));
			return new JsonText(writePageJson('models', `[${items.join(',')}]`, page.nextPageToken));
		},
		['experiment_ids']
	);

	router
		.add('GET', ROUTE(''), async (ctx) => {
			const allowDeleted = readBool(readQueryMessage(ctx.url.searchParams), 'allow_deleted') ?? false;
			return { model: toJson(await models.get(ctx.params[0], allowDeleted)) };
		})
		.add('PATCH', ROUTE(''), async (ctx) => {
			const { status } = parseFinalizeLoggedModelRequest(await bodyOf(ctx));
			const id = ctx.params[0];
			await queue.run(id, () => models.update(id, { status }));
			return { model: toJson(await models.get(id)) };
		})
		.add('DELETE', ROUTE(''), async (ctx) => {
			const id = ctx.params[0];
			await queue.run(id, () => models.update(id, { lifecycle: 'deleted' }));
			return {};
		})
		.add('PATCH', ROUTE('/tags'), async (ctx) => {
			const tags = parseLoggedModelTagsRequest(await bodyOf(ctx));
			const id = ctx.params[0];
			await queue.run(id, () => models.update(id, { setTags: tags }));
			return {};
		})
		.add('DELETE', ROUTE('/tags/(.+)'), async (ctx) => {
			const [id, key] = ctx.params;
			await queue.run(id, () => models.deleteTag(id, key));
			return {};
		})
		.add('POST', ROUTE('/params'), async (ctx) => {
			const params = parseLogModelParamsRequest(await bodyOf(ctx));
			const id = ctx.params[0];
			await queue.run(id, () => models.logParams(id, params));
			return {};
		});
}
