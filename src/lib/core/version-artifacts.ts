// Where a registered model version's files are: its logged model's artifacts (MLflow 3 `model_id`), or a folder of
// its source run's artifacts (`runs:/<run>/<path>`, or an `mlflow-artifacts` URI inside the run); and that folder's
// part of a run's manifest, with paths relative to it.
import type { ArtifactEntry } from './docs/run';
import type { ModelVersionRecord } from './docs/registry';
import { readRunsUriRunId, splitUri } from './mlflow/registry-source';

export type VersionArtifactRoot =
	/** `experimentId` when the storage location names it (else read it from the model's document) */
	| { kind: 'logged-model'; modelId: string; experimentId: string | null }
	/** `path` is '' for the run's whole artifact root */
	| { kind: 'run'; runId: string; path: string };

const ARTIFACTS_ROUTE = '/api/2.0/mlflow-artifacts/artifacts';

/** The path segments after the artifact proxy's root (`<exp>/<run|models/<id>>/artifacts/…`), or null. */
function readProxySegments(uri: string): string[] | null {
	const u = splitUri(uri);
	let path: string;
	if (u.scheme === 'mlflow-artifacts') path = u.path;
	else if ((u.scheme === 'http' || u.scheme === 'https') && u.path.includes(ARTIFACTS_ROUTE)) path = u.path.slice(u.path.indexOf(ARTIFACTS_ROUTE) + ARTIFACTS_ROUTE.length);
	else return null;
	try {
		return path.split('/').filter(Boolean).map(decodeURIComponent);
	} catch {
		return null;
	}
}

/** The experiment and model of a logged model's artifact URI (`mlflow-artifacts:/<exp>/models/<id>/artifacts`), or null. */
export function readLoggedModelLocation(uri: string): { experimentId: string; modelId: string } | null {
	const s = readProxySegments(uri);
	if (!s || s.length < 4 || s[1] !== 'models' || s[3] !== 'artifacts' || !/^[0-9]+$/.test(s[0])) return null;
	return { experimentId: s[0], modelId: s[2] };
}

/** The folder inside run `runId` that an artifact URI names (`<exp>/<runId>/artifacts/<path>`), or null. */
function readRunFolder(uri: string, runId: string): string | null {
	const s = readProxySegments(uri);
	if (!s || s.length < 3 || s[1] !== runId || s[2] !== 'artifacts') return null;
	return s.slice(3).join('/');
}

/**
 * Where the version's artifacts are, or null when its source is outside Tandem (s3://, a local path…). A logged
 * model wins over the source run: MLflow 3 keeps the model's files with the model, not in the run.
 */
export function readVersionArtifactRoot(v: Pick<ModelVersionRecord, 'source' | 'storageLocation' | 'runId' | 'loggedModelId'>): VersionArtifactRoot | null {
	const located = readLoggedModelLocation(v.storageLocation) ?? readLoggedModelLocation(v.source);
	if (located) return { kind: 'logged-model', ...located };
	const fromUri = /^models:\/(m-[0-9a-f]+)$/.exec(v.source)?.[1];
	const modelId = v.loggedModelId ?? fromUri ?? null;
	if (modelId) return { kind: 'logged-model', modelId, experimentId: null };
	const runsId = readRunsUriRunId(v.source);
	if (runsId) {
		const path = splitUri(v.source).path.split('/').filter(Boolean).slice(1).join('/');
		return { kind: 'run', runId: runsId, path };
	}
	if (!v.runId) return null;
	const folder = readRunFolder(v.storageLocation, v.runId) ?? readRunFolder(v.source, v.runId);
	return folder === null ? null : { kind: 'run', runId: v.runId, path: folder };
}

/** The run this version came from: its `runId`, else the run of a `runs:/` source; null without one. */
export function readVersionRunId(v: Pick<ModelVersionRecord, 'source' | 'runId'>): string | null {
	return v.runId ?? readRunsUriRunId(v.source);
}

/** The entries under folder `path` ('' = all), keyed by their path relative to it. */
export function selectArtifactFolder(manifest: ReadonlyMap<string, ArtifactEntry>, path: string): Map<string, ArtifactEntry> {
	if (path === '') return new Map(manifest);
	const prefix = `${path}/`;
	const out = new Map<string, ArtifactEntry>();
	for (const [p, e] of manifest) if (p.startsWith(prefix)) out.set(p.slice(prefix.length), e);
	return out;
}
