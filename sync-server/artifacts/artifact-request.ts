// Parsing of artifact URLs from the raw request line: `new URL` would silently resolve `..`/`%2e%2e` segments
// (and turn `\` into `/`), so traversal attempts are read as sent and rejected, never rewritten.
import type { IncomingMessage } from 'node:http';
import { invalid } from '../../src/lib/core/errors';
import { isExperimentId } from '../../src/lib/core/ids';
import { isPathMlflowRefuses, normalizeArtifactPath } from '../../src/lib/core/artifact-path';

/** Where an MLflow artifact URL points: a run's or a logged model's artifact file or directory ('' = the root). */
export interface ArtifactLocation {
	experimentId: string;
	/** a run id, or a logged model's id (`m-…`) for `<exp>/models/<model_id>/artifacts/…` */
	ownerId: string;
	path: string;
}

/** The request's path exactly as sent (still percent-encoded), without the query. */
export function readRawPathname(req: IncomingMessage): string {
	let raw = req.url ?? '/';
	const q = raw.indexOf('?');
	if (q !== -1) raw = raw.slice(0, q);
	return raw.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''); // absolute-form request targets
}

/**
 * Matches `prefix` (anchored at the start, ending with the separating '/') against the raw path; returns its
 * capture groups (still percent-encoded) and the percent-encoded remainder. The route matched the normalised
 * path, so no match here means the raw path had dot segments or backslashes that normalisation removed: 400.
 */
export function readRawRest(req: IncomingMessage, prefix: RegExp): { groups: string[]; rest: string } {
	const raw = readRawPathname(req);
	const m = prefix.exec(raw);
	if (!m || m.index !== 0) throw invalid(`Invalid artifact URL '${raw.slice(0, 200)}': '.', '..' and '\\' are not allowed in paths`);
	return { groups: m.slice(1), rest: raw.slice(m[0].length) };
}

/** Percent-decodes one URL path (400 for malformed escapes). */
export function decodePath(encoded: string): string {
	try {
		return decodeURIComponent(encoded);
	} catch {
		throw invalid(`Malformed percent-encoding in artifact path '${encoded.slice(0, 200)}'`);
	}
}

/** Canonicalises an untrusted, already-decoded artifact path (400 with normalizeArtifactPath's reason if unsafe). */
export function readArtifactPath(text: string, opts: { allowEmpty?: boolean } = {}): string {
	const parsed = normalizeArtifactPath(text, { allowEmpty: opts.allowEmpty });
	if (!parsed.ok) throw invalid(`Invalid artifact path: ${parsed.error}`);
	return parsed.path;
}

/** An artifact path from an MLflow query (`path=`): MLflow's bare "Invalid path" for what it refuses, else as above. */
export function readMlflowArtifactPath(text: string, opts: { allowEmpty?: boolean } = {}): string {
	if (isPathMlflowRefuses(text)) throw invalid('Invalid path');
	return readArtifactPath(text, opts);
}

/**
 * Parses `<experiment_id>/<run_id>/artifacts[/<path>]` or `<experiment_id>/models/<model_id>/artifacts[/<path>]`
 * (decoded) — the part of an MLflow artifact URL below `/mlflow-artifacts/artifacts/`, or the `path` query of its
 * listing — into a location. The artifact path is checked and canonicalised on its own, so `artifacts//etc` is an
 * absolute path (400); '' (the root) is accepted only when `allowEmpty`. Ids are checked by the owner's lookup.
 */
export function parseArtifactLocation(decoded: string, opts: { allowEmpty?: boolean } = {}): ArtifactLocation {
	const m = /^([^/]*)\/(models\/[^/]+|[^/]*)\/artifacts(?:\/([\s\S]*))?$/.exec(decoded);
	if (!m || !isExperimentId(m[1]) || m[2] === '' || m[2] === 'models') {
		throw invalid(`Artifact path '${decoded.slice(0, 200)}' must have the form <experiment_id>/<run_id>/artifacts/<path> or <experiment_id>/models/<model_id>/artifacts/<path>`);
	}
	const ownerId = m[2].startsWith('models/') ? m[2].slice('models/'.length) : m[2];
	const rest = m[3] ?? '';
	// '' and 'dir/' name directories; a rest starting with '/' is absolute and refused by the parser.
	const path = rest === '' ? '' : readArtifactPath(rest, { allowEmpty: opts.allowEmpty });
	if (path === '' && !opts.allowEmpty) throw invalid('Invalid artifact path: artifact path is empty');
	return { experimentId: m[1], ownerId, path };
}
