// Checks on a new model version's `source` the way MLflow's server does (handlers `_validate_source_run`,
// `_validate_source_model`, `_parse_model_uri`): what may be registered, and which lookups the source still needs.
import { invalid } from '../errors';

export interface SplitUri {
	/** Lower-cased; '' for a plain path. */
	scheme: string;
	netloc: string;
	path: string;
}

/** `urllib.parse.urlparse` for the parts used here: scheme, authority, path (query and fragment dropped). */
export function splitUri(uri: string): SplitUri {
	const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(uri);
	if (!m) return { scheme: '', netloc: '', path: uri.split(/[?#]/)[0] };
	let rest = m[2].split(/[?#]/)[0];
	let netloc = '';
	if (rest.startsWith('//')) {
		const end = rest.indexOf('/', 2);
		netloc = end < 0 ? rest.slice(2) : rest.slice(2, end);
		rest = end < 0 ? '' : rest.slice(end);
	}
	return { scheme: m[1].toLowerCase(), netloc, path: rest };
}

/** What a `models:/…` URI names: a logged model id, or a registered model by version, stage, alias or latest. */
export type ModelUri =
	| { kind: 'logged-model'; modelId: string }
	| { kind: 'registered'; name: string; version?: number; stage?: string; alias?: string };

export function parseModelUri(uri: string): ModelUri | null {
	const { scheme, path } = splitUri(uri);
	if (scheme !== 'models' || !path.startsWith('/') || path.length <= 1) return null;
	const parts = path.slice(1).split('/');
	if (parts.length > 2 || parts[0].trim() === '') return null;
	if (parts.length === 2) {
		const [name, suffix] = parts;
		if (suffix.trim() === '') return null;
		if (/^\d+$/.test(suffix)) return { kind: 'registered', name, version: Number(suffix) };
		if (suffix.toLowerCase() === 'latest') return { kind: 'registered', name };
		return { kind: 'registered', name, stage: suffix };
	}
	const at = parts[0].lastIndexOf('@');
	if (at >= 0) {
		const alias = parts[0].slice(at + 1);
		return alias.trim() === '' ? null : { kind: 'registered', name: parts[0].slice(0, at), alias };
	}
	return { kind: 'logged-model', modelId: parts[0] };
}

/** The run id of `runs:/<run_id>/<path>`, or null if the URI is not of that form. */
export function readRunsUriRunId(uri: string): string | null {
	const { scheme, path } = splitUri(uri);
	if (scheme !== 'runs' || !path.startsWith('/')) return null;
	const runId = path.slice(1).split('/')[0];
	return runId === '' ? null : runId;
}

const wrongOwner = (source: string, field: 'run_id' | 'model_id') =>
	invalid(`Invalid model version source: '${source}'. The ${field} request parameter must identify the resource that contains the source.`);

function decodeFully(s: string): string {
	for (let i = 0; i < 10; i++) {
		let next: string;
		try {
			next = decodeURIComponent(s.replace(/\+/g, ' '));
		} catch {
			return s;
		}
		if (next === s) return s;
		s = next;
	}
	return s;
}

function checkNoRelativePaths(source: string): void {
	const decoded = decodeFully(source);
	const path = splitUri(decoded).path.replace(/\/+/g, '/');
	if (decoded.includes('\0') || decoded.split('/').some((p) => p === '..' || p === '.') || path.split('/').some((p) => p === '..')) {
		throw invalid(
			`Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`
		);
	}
}

const isLocal = (u: SplitUri) => u.scheme === '' || u.scheme === 'file';
const ARTIFACTS_ROUTE = '/api/2.0/mlflow-artifacts/artifacts';
const isArtifactProxySource = (u: SplitUri) => u.scheme === 'mlflow-artifacts' || ((u.scheme === 'http' || u.scheme === 'https') && u.path.includes(ARTIFACTS_ROUTE));

/** A source that passed the checks, and the lookup still needed to accept it. */
export type SourceCheck =
	| { need: 'nothing' }
	/** An artifact-proxy source: it must lie inside this run's (or logged model's) artifact root. */
	| { need: 'run-root'; runId: string }
	| { need: 'model-root'; modelId: string };

/**
 * Checks `source` against the run or logged model that claims it. Local paths are refused (the server never
 * reads them), `..` segments are refused, `runs:/<id>/…` must name `runId`, `models:/<id>` must name `modelId`.
 */
export function checkVersionSource(source: string, runId: string | null, modelId: string | null): SourceCheck {
	const u = splitUri(source);
	const owner = modelId ? 'model_id' : 'run_id';
	if (isLocal(u)) {
		throw invalid(
			`Invalid model version source: '${source}'. To use a local path as a model version source, the ${owner} request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the ${owner}.`
		);
	}
	checkNoRelativePaths(source);
	if (u.scheme === 'runs') {
		if (modelId || u.netloc || readRunsUriRunId(source) !== runId) throw wrongOwner(source, owner);
	}
	if (u.scheme === 'models') {
		const parsed = parseModelUri(source);
		if (u.netloc || !parsed) throw wrongOwner(source, 'model_id');
		if (parsed.kind === 'logged-model' && parsed.modelId !== modelId) throw wrongOwner(source, 'model_id');
	}
	if (isArtifactProxySource(u)) {
		if (modelId) return { need: 'model-root', modelId };
		if (!runId) throw wrongOwner(source, 'run_id');
		return { need: 'run-root', runId };
	}
	return { need: 'nothing' };
}

/** True if `source` is `root` or lies under it (same scheme and authority, path segments decoded). */
export function isUriWithinRoot(source: string, root: string): boolean {
	const parts = (uri: string) => {
		const u = splitUri(uri);
		return { head: `${u.scheme}://${u.netloc.toLowerCase()}`, path: u.path.split('/').filter(Boolean).map(decodeFully) };
	};
	const s = parts(source);
	const r = parts(root);
	return s.head === r.head && r.path.length > 0 && r.path.every((p, i) => s.path[i] === p);
}
