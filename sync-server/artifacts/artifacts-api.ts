// HTTP routes for artifacts: MLflow's proxied artifact service (/api/2.0/mlflow-artifacts/..., and the UI's
// get-artifact / artifacts/list), the native /api/runs/{id}/artifacts routes, and content-addressed /api/blobs/{sha256}.
import type { ServerResponse } from 'node:http';
import { ApiError, invalid, notFound } from '../../src/lib/core/errors';
import { isRunId } from '../../src/lib/core/ids';
import { guessContentType } from '../../src/lib/core/artifact-path';
import { readSha256, type BlobStore } from '../blobs/blob-store';
import { runArtifactUri } from '../tracking/runs';
import { modelArtifactUri } from '../tracking/logged-models';
import { experimentArtifactLocation } from '../tracking/experiments';

const modelArtifactRoot = (experimentId: string, modelId: string) => modelArtifactUri(experimentArtifactLocation(experimentId), modelId);
import { sendJson, type RequestContext, type Router } from '../http/router';
import { createArtifactService, type ArtifactService, type ArtifactServiceDeps } from './artifact-service';
import { decodePath, parseArtifactLocation, readArtifactPath, readMlflowArtifactPath, readRawRest } from './artifact-request';
import { sendBlob } from './send-blob';
import type { ArtifactChild } from './artifact-tree';

export type ArtifactsApiDeps = ArtifactServiceDeps;

const MLFLOW_ARTIFACTS = /^\/(?:api|ajax-api)\/2\.0\/mlflow-artifacts\/artifacts\//;
const NATIVE_ARTIFACTS = /^\/api\/runs\/([0-9a-f]{32})\/artifacts\//;
const MULTIPART_REFUSAL = 'Multipart upload is not supported for the current artifact repository';

/** Registers every artifact route on `router`; returns the service behind them (for GC's mark phase, tests). */
export function addArtifactsApi(router: Router, deps: ArtifactsApiDeps): ArtifactService {
	const svc = createArtifactService(deps);
	const { blobs } = deps;

	/** MLflow path routes: `<exp>/<run>/artifacts/<path>` read from the raw URL (DELETE may name the root). */
	const mlflowLocation = (ctx: RequestContext, allowEmpty = false) =>
		parseArtifactLocation(decodePath(readRawRest(ctx.req, MLFLOW_ARTIFACTS).rest), { allowEmpty });
	/** Native path routes: run id and artifact path from the raw URL (the normalised one may differ, see readRawRest). */
	const nativeLocation = (ctx: RequestContext) => {
		if (!isRunId(ctx.params[0])) throw invalid(`Invalid run id '${ctx.params[0]}': expected 32 hexadecimal characters`);
		const { groups, rest } = readRawRest(ctx.req, NATIVE_ARTIFACTS);
		return { runId: groups[0], path: readArtifactPath(decodePath(rest)) };
	};

	const mlflowPath = /^\/(?:api|ajax-api)\/2\.0\/mlflow-artifacts\/artifacts\/.*$/;
	const mlflowDownload = async (ctx: RequestContext) => {
		const loc = mlflowLocation(ctx);
		await svc.locateRun(loc.ownerId, loc.experimentId);
		return download(ctx, svc, blobs, loc.ownerId, loc.path, true);
	};
	router
		.add('PUT', mlflowPath, async (ctx) => {
			const loc = mlflowLocation(ctx);
			await svc.locateRun(loc.ownerId, loc.experimentId);
			await upload(ctx, svc, loc.ownerId, loc.path);
			return {};
		})
		.add('GET', mlflowPath, mlflowDownload)
		.add('HEAD', mlflowPath, mlflowDownload)
		.add('DELETE', mlflowPath, async (ctx) => {
			const loc = mlflowLocation(ctx, true);
			await svc.locateRun(loc.ownerId, loc.experimentId);
			await svc.remove(loc.ownerId, loc.path);
			return {};
		})
		.add('GET', /^\/(?:api|ajax-api)\/2\.0\/mlflow-artifacts\/artifacts$/, async (ctx) => {
			// `path` is relative to the artifact root (`<exp>/<run>/artifacts/<dir>`, `<exp>/models/<id>/artifacts/<dir>`); above an owner's root there is nothing to list.
			const root = ctx.url.searchParams.get('path') ?? '';
			const segments = root.split('/').filter((s) => s !== '');
			if (segments.length < 3 || (segments[1] === 'models' && segments.length < 4)) return {};
			const loc = parseArtifactLocation(root, { allowEmpty: true });
			await svc.locateRun(loc.ownerId, loc.experimentId);
			const files = (await svc.list(loc.ownerId, loc.path)).map((c) => toFileInfo(c, c.name));
			return files.length > 0 ? { files } : {};
		})
		.add('POST', /^\/(?:api|ajax-api)\/2\.0\/mlflow-artifacts\/mpu\/(?:create|complete|abort)\/.*$/, (ctx) => {
			// The Python client matches this message and falls back to a single streamed PUT.
			refuse(ctx.res, 501, 'NOT_IMPLEMENTED', MULTIPART_REFUSAL);
		})
		.add('GET', /^\/(?:api|ajax-api)\/2\.0\/mlflow-artifacts\/presigned\/.*$/, (ctx) => {
			refuse(ctx.res, 501, 'NOT_IMPLEMENTED', 'Presigned downloads are not supported; download through the artifact route');
		})
		.add('GET', /^\/(?:api|ajax-api)\/2\.0\/mlflow\/artifacts\/list$/, async (ctx) => {
			const runId = readRunIdQuery(ctx);
			const dir = readMlflowArtifactPath(ctx.url.searchParams.get('path') ?? '', { allowEmpty: true });
			const experimentId = await svc.locateRun(runId);
			const files = (await svc.list(runId, dir)).map((c) => toFileInfo(c, c.path));
			return { root_uri: runArtifactUri(experimentId, runId), ...(files.length > 0 ? { files } : {}) };
		})
		.add('GET', /^\/(?:api|ajax-api)\/2\.0\/mlflow\/logged-models\/([^/]+)\/artifacts\/directories$/, async (ctx) => {
			// A logged model's artifact listing (MLflow's UI route), paths relative to the model's artifact root.
			const modelId = ctx.params[0];
			const dir = readArtifactPath(ctx.url.searchParams.get('artifact_directory_path') ?? '', { allowEmpty: true });
			const experimentId = await svc.locateRun(modelId);
			const files = (await svc.list(modelId, dir)).map((c) => toFileInfo(c, c.path));
			return { root_uri: modelArtifactRoot(experimentId, modelId), ...(files.length > 0 ? { files } : {}) };
		})
		.add('GET', /^\/(?:api|ajax-api)\/2\.0\/mlflow\/logged-models\/([^/]+)\/artifacts\/files$/, async (ctx) => {
			const modelId = ctx.params[0];
			const path = readArtifactPath(ctx.url.searchParams.get('artifact_file_path') ?? '');
			await svc.locateRun(modelId);
			return download(ctx, svc, blobs, modelId, path, false);
		})
		// The UI's `/get-artifact` (MLflow serves it at the root), also under the API prefixes.
		.add('GET', /^\/(?:(?:api|ajax-api)\/2\.0\/mlflow\/)?get-artifact$/, async (ctx) => {
			const path = readMlflowArtifactPath(ctx.url.searchParams.get('path') ?? '');
			const runId = readRunIdQuery(ctx);
			await svc.locateRun(runId);
			return download(ctx, svc, blobs, runId, path, false);
		});

	const nativePathRoute = /^\/api\/runs\/([^/]+)\/artifacts\/.+$/;
	const nativeDownload = async (ctx: RequestContext) => {
		const { runId, path } = nativeLocation(ctx);
		await svc.locateRun(runId);
		return download(ctx, svc, blobs, runId, path, false);
	};
	const blobDownload = async (ctx: RequestContext) => {
		const sha256 = readSha256(ctx.params[0]);
		const stat = await blobs.stat(sha256);
		if (!stat) throw notFound(`No blob ${sha256}`);
		// The URL names the content, so it may be cached forever; `?name=` only picks the content type.
		const name = ctx.url.searchParams.get('name');
		const contentType = name ? guessContentType(name) : 'application/octet-stream';
		await sendBlob(ctx.req, ctx.res, blobs, { sha256, size: stat.size, contentType, cache: 'immutable' });
		return undefined;
	};
	router
		.add('PUT', nativePathRoute, async (ctx) => {
			const { runId, path } = nativeLocation(ctx);
			await svc.locateRun(runId);
			const stored = await upload(ctx, svc, runId, path);
			return stored && { path: stored.path, sha256: stored.sha256, size: stored.size, type: stored.type };
		})
		.add('GET', nativePathRoute, nativeDownload)
		.add('HEAD', nativePathRoute, nativeDownload)
		.add('DELETE', nativePathRoute, async (ctx) => {
			const { runId, path } = nativeLocation(ctx);
			await svc.locateRun(runId);
			return { deleted: await svc.remove(runId, path) };
		})
		.add('GET', /^\/api\/runs\/([^/]+)\/artifacts$/, async (ctx) => {
			const runId = ctx.params[0];
			const dir = readArtifactPath(ctx.url.searchParams.get('path') ?? '', { allowEmpty: true });
			await svc.locateRun(runId);
			const files = (await svc.list(runId, dir)).map((c) =>
				c.isDir ? { path: c.path, is_dir: true } : { path: c.path, is_dir: false, file_size: c.size, sha256: c.entry!.sha256, mtime: c.entry!.mtime }
			);
			return { files };
		})
		.add('GET', /^\/api\/blobs\/([^/]+)$/, blobDownload)
		.add('HEAD', /^\/api\/blobs\/([^/]+)$/, blobDownload);

	return svc;
}

/** Streams the request body into the run's artifacts at `path`; undefined if the client went away mid-upload. */
export async function upload(ctx: RequestContext, svc: ArtifactService, runId: string, path: string) {
	const header = ctx.req.headers['content-length'];
	const declared = header === undefined ? undefined : Number(header);
	try {
		// Not destroyed when the store stops reading early (size limit): the router drains the rest, so the client
		// reads the error and its keep-alive connection stays usable.
		const body = { [Symbol.asyncIterator]: () => ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterator<Uint8Array> };
		return await svc.upload(runId, path, body, Number.isSafeInteger(declared) ? declared : undefined);
	} catch (e) {
		if (!(e instanceof ApiError) && (e as NodeJS.ErrnoException).code === 'ECONNRESET') {
			ctx.res.destroy(); // aborted upload: nothing was recorded and nobody is listening
			return undefined;
		}
		throw e;
	}
}

/** Sends the artifact at `path` (MLflow downloads as an attachment); path routes revalidate, as paths can be overwritten. */
export async function download(ctx: RequestContext, svc: ArtifactService, blobs: BlobStore, runId: string, path: string, attachment: boolean) {
	const entry = await svc.stat(runId, path);
	const stat = await blobs.stat(entry.sha256);
	if (!stat) throw notFound(`The content of artifact '${path}' of run '${runId}' is missing`);
	await sendBlob(ctx.req, ctx.res, blobs, {
		sha256: entry.sha256,
		size: stat.size,
		contentType: guessContentType(path),
		cache: 'revalidate',
		attachmentName: attachment ? path.slice(path.lastIndexOf('/') + 1) : undefined
	});
	return undefined;
}

/** MLflow's FileInfo: `is_dir` always present, `file_size` for files only. */
function toFileInfo(c: ArtifactChild, path: string) {
	return c.isDir ? { path, is_dir: true } : { path, is_dir: false, file_size: c.size };
}

function readRunIdQuery(ctx: RequestContext): string {
	const runId = ctx.url.searchParams.get('run_id') || ctx.url.searchParams.get('run_uuid');
	if (!runId) throw invalid(`Missing value for required parameter 'run_id'`);
	return runId;
}

function refuse(res: ServerResponse, status: number, error_code: string, message: string): void {
	sendJson(res, status, { error_code, message });
}
