// The MLflow model-registry REST API (registered models, versions, stages, aliases, tags) under /api/2.0/mlflow
// and /ajax-api/2.0/mlflow. Parsing is in src/lib/core/mlflow/registry-request.ts; writes go through the service.
import type { IncomingMessage } from 'node:http';
import {
	parseAliasRef,
	parseCreateModelVersion,
	parseCreateRegisteredModel,
	parseDeleteModelTag,
	parseDeleteVersionTag,
	parseGetLatestVersions,
	parseModelRef,
	parseRenameRegisteredModel,
	parseSearch,
	parseSetAlias,
	parseSetModelTag,
	parseSetVersionTag,
	parseTransitionStage,
	parseUpdateModelVersion,
	parseUpdateRegisteredModel,
	parseVersionRef
} from '../../src/lib/core/mlflow/registry-request';
import { toModelVersionJson, toRegisteredModelJson } from '../../src/lib/core/mlflow/registry-json';
import { readQueryMessage } from '../../src/lib/core/mlflow/message';
import type { ModelVersionRecord, RegisteredModelRecord } from '../../src/lib/core/docs/registry';
import type { RegistryService } from '../tracking/registry';
import type { RequestContext, Router } from '../http/router';
import { identityOf, readableBy } from '../auth/http-gate';

export interface MlflowRegistryDeps {
	registry: RegistryService;
}

/** Repeated fields of registry GET requests: sent as repeated query keys (`stages=a&stages=b`). */
const REPEATED = ['order_by', 'stages'] as const;

/** The request message: the query string of a GET, else the JSON body (the registry's DELETEs carry one). */
async function readMessage(ctx: RequestContext): Promise<unknown> {
	return ctx.req.method === 'GET' ? readQueryMessage(ctx.url.searchParams, REPEATED) : ctx.json();
}

/**
 * Who made a stage or alias move, for the audit log: the `X-Tandem-User` header, else the HTTP Basic user name
 * (what MLFLOW_TRACKING_USERNAME sends), else 'unknown'. Not authentication: the server does not check passwords.
 */
export function readRequestUser(req: IncomingMessage): string {
	const signedIn = identityOf(req);
	if (signedIn) return signedIn;
	const header = req.headers['x-tandem-user'];
	const named = (Array.isArray(header) ? header[0] : header)?.trim();
	if (named) return named.slice(0, 256);
	const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
	if (basic) {
		const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		const user = (colon >= 0 ? decoded.slice(0, colon) : decoded).trim();
		if (user) return user.slice(0, 256);
	}
	return 'unknown';
}

export function addMlflowRegistryApi(router: Router, deps: MlflowRegistryDeps): void {
	const { registry } = deps;
	const route = (method: string, path: string, handler: (msg: unknown, ctx: RequestContext) => Promise<unknown>) => {
		const pattern = new RegExp(`^/(?:api|ajax-api)/2\\.0/mlflow/${path.replace(/[.-]/g, '\\$&')}$`);
		router.add(method, pattern, async (ctx) => handler(await readMessage(ctx), ctx));
	};
	const who = (ctx: RequestContext) => readRequestUser(ctx.req);
	const model = async (p: Promise<RegisteredModelRecord>) => ({ registered_model: toRegisteredModelJson(await p) });
	const version = async (p: Promise<ModelVersionRecord>) => ({ model_version: toModelVersionJson(await p) });
	const empty = async (p: Promise<void>) => (await p, {});

	route('POST', 'registered-models/create', (m) => {
		const cmd = parseCreateRegisteredModel(m);
		return model(registry.createModel(cmd));
	});
	route('GET', 'registered-models/get', (m) => model(registry.getModel(parseModelRef(m).name)));
	route('POST', 'registered-models/rename', (m) => {
		const cmd = parseRenameRegisteredModel(m);
		return model(registry.renameModel(cmd.name, cmd.newName));
	});
	route('PATCH', 'registered-models/update', (m) => {
		const cmd = parseUpdateRegisteredModel(m);
		return model(registry.updateModel(cmd.name, cmd.description));
	});
	route('DELETE', 'registered-models/delete', (m) => empty(registry.deleteModel(parseModelRef(m).name)));
	route('GET', 'registered-models/search', async (m, ctx) => {
		const { items, nextPageToken } = await registry.searchModels(parseSearch(m, 'models'), readableBy(ctx.req, 'registered_model'));
		return { registered_models: items.map(toRegisteredModelJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
	});
	for (const method of ['POST', 'GET']) {
		route(method, 'registered-models/get-latest-versions', async (m) => {
			const cmd = parseGetLatestVersions(m);
			return { model_versions: (await registry.getLatestVersions(cmd.name, cmd.stages)).map(toModelVersionJson) };
		});
	}
	route('POST', 'registered-models/set-tag', (m) => {
		const cmd = parseSetModelTag(m);
		return empty(registry.setModelTag(cmd.name, cmd.key, cmd.value));
	});
	route('DELETE', 'registered-models/delete-tag', (m) => {
		const cmd = parseDeleteModelTag(m);
		return empty(registry.deleteModelTag(cmd.name, cmd.key));
	});
	route('POST', 'registered-models/alias', (m, ctx) => {
		const cmd = parseSetAlias(m);
		return empty(registry.setAlias(cmd.name, cmd.alias, cmd.version, who(ctx)));
	});
	route('DELETE', 'registered-models/alias', (m, ctx) => {
		const cmd = parseAliasRef(m);
		return empty(registry.deleteAlias(cmd.name, cmd.alias, who(ctx)));
	});
	route('GET', 'registered-models/alias', (m) => {
		const cmd = parseAliasRef(m);
		return version(registry.getVersionByAlias(cmd.name, cmd.alias));
	});

	route('POST', 'model-versions/create', (m) => version(registry.createVersion(parseCreateModelVersion(m))));
	route('GET', 'model-versions/get', (m) => {
		const cmd = parseVersionRef(m);
		return version(registry.getVersion(cmd.name, cmd.version));
	});
	route('PATCH', 'model-versions/update', (m) => {
		const cmd = parseUpdateModelVersion(m);
		return version(registry.updateVersion(cmd.name, cmd.version, cmd.description));
	});
	route('POST', 'model-versions/transition-stage', (m, ctx) => {
		const cmd = parseTransitionStage(m);
		return version(registry.transitionStage(cmd.name, cmd.version, cmd.stage, cmd.archiveExisting, who(ctx)));
	});
	route('DELETE', 'model-versions/delete', (m, ctx) => {
		const cmd = parseVersionRef(m);
		return empty(registry.deleteVersion(cmd.name, cmd.version, who(ctx)));
	});
	route('GET', 'model-versions/search', async (m, ctx) => {
		const { items, nextPageToken } = await registry.searchVersions(parseSearch(m, 'versions'), readableBy(ctx.req, 'registered_model'));
		return { model_versions: items.map(toModelVersionJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
	});
	route('GET', 'model-versions/get-download-uri', async (m) => {
		const cmd = parseVersionRef(m);
		return { artifact_uri: await registry.getDownloadUri(cmd.name, cmd.version) };
	});
	route('POST', 'model-versions/set-tag', (m) => {
		const cmd = parseSetVersionTag(m);
		return empty(registry.setVersionTag(cmd.name, cmd.version, cmd.key, cmd.value));
	});
	route('DELETE', 'model-versions/delete-tag', (m) => {
		const cmd = parseDeleteVersionTag(m);
		return empty(registry.deleteVersionTag(cmd.name, cmd.version, cmd.key));
	});
}
