// The MLflow UI's artifact routes outside the proxied artifact API: upload-artifact (a file from the browser into
// a run's artifacts, at most 10 MB) and /model-versions/get-artifact (a file of a registered model version).
import { ApiError, invalid, notFound } from '../../src/lib/core/errors';
import { readQueryMessage } from '../../src/lib/core/mlflow/message';
import { parseVersionRef } from '../../src/lib/core/mlflow/registry-request';
import { splitUri } from '../../src/lib/core/mlflow/registry-source';
import type { BlobStore } from '../blobs/blob-store';
import type { ArtifactService } from '../artifacts/artifact-service';
import { download, upload } from '../artifacts/artifacts-api';
import { decodePath, parseArtifactLocation, readMlflowArtifactPath } from '../artifacts/artifact-request';
import type { Router } from '../http/router';

export interface UiArtifactDeps {
	artifacts: ArtifactService;
	blobs: BlobStore;
	/** A registered model version's storage location (its download URI); 404 if there is no such version. */
	versionUri(name: string, version: number): Promise<string>;
}

/** MLflow's upload-artifact handler caps a browser upload at 10 MB. */
const MAX_UI_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * The owner (run or logged model) and artifact path an artifact URI of this server names: `mlflow-artifacts:` URIs
 * (`<exp>/<owner>/artifacts/<path>`, host ignored) and `runs:/<run_id>/<path>`; null for any other store.
 */
function locateArtifactUri(uri: string): { ownerId: string; experimentId?: string; path: string } | null {
	const { scheme, path } = splitUri(uri);
	const rest = decodePath(path.replace(/^\/+/, '').replace(/\/+$/, ''));
	if (scheme === 'mlflow-artifacts') return parseArtifactLocation(rest, { allowEmpty: true });
	if (scheme !== 'runs') return null;
	const slash = rest.indexOf('/');
	return slash < 0 ? { ownerId: rest, path: '' } : { ownerId: rest.slice(0, slash), path: rest.slice(slash + 1) };
}

export function addUiArtifactEndpoints(router: Router, { artifacts, blobs, versionUri }: UiArtifactDeps): void {
	router.add('POST', /^\/(?:api|ajax-api)\/2\.0\/mlflow\/upload-artifact$/, async (ctx) => {
		const q = ctx.url.searchParams;
		const runId = q.get('run_uuid');
		if (!runId) throw invalid('Request must specify run_uuid.');
		const raw = q.get('path');
		if (!raw) throw invalid('Request must specify path.');
		const path = readMlflowArtifactPath(raw);
		const declared = Number(ctx.req.headers['content-length'] ?? NaN);
		if (declared > MAX_UI_UPLOAD_BYTES) throw invalid('Artifact size is too large. Max size is 10MB.');
		const chunked = ctx.req.headers['transfer-encoding'] !== undefined;
		if (!chunked && !(declared > 0)) throw invalid('Request must specify data.');
		await artifacts.locateRun(runId);
		await upload(ctx, artifacts, runId, path);
		return {};
	});

	router.add('GET', /^\/model-versions\/get-artifact$/, async (ctx) => {
		const path = readMlflowArtifactPath(ctx.url.searchParams.get('path') ?? '');
		const { name, version } = parseVersionRef(readQueryMessage(ctx.url.searchParams));
		const uri = await versionUri(name, version);
		let at: ReturnType<typeof locateArtifactUri>;
		try {
			at = locateArtifactUri(uri);
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			at = null;
		}
		if (!at) throw notFound(`The artifacts of model version ${name}/${version} are at '${uri}', which this server does not store`);
		await artifacts.locateRun(at.ownerId, at.experimentId);
		return download(ctx, artifacts, blobs, at.ownerId, at.path ? `${at.path}/${path}` : path, false);
	});
}
