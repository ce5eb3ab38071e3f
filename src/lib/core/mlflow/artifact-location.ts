// A user-given experiment artifact_location as MLflow's server takes it: no fragment, `;params` or '..' in the
// query (handlers `_create_experiment`), and a relative local path made absolute (`resolve_uri_if_local`).
import { invalid } from '../errors';
import { splitUri } from './registry-source';

/** `cwd` joined with a relative POSIX `path` the way pathlib joins: '' and '.' segments dropped, '..' kept. */
function joinPath(cwd: string, path: string): string {
	const parts = `${cwd}/${path}`.split('/').filter((s, i) => i === 0 || (s !== '' && s !== '.'));
	return parts.join('/') || '/';
}

/**
 * Checks `location` and returns what MLflow stores: a relative path (no scheme, or `file:` on this host) resolved
 * against `cwd` (an absolute POSIX path: the server's working directory); anything else unchanged.
 */
export function resolveArtifactLocation(location: string, cwd: string): string {
	const hash = location.indexOf('#');
	const beforeHash = hash < 0 ? location : location.slice(0, hash);
	const q = beforeHash.indexOf('?');
	const beforeQuery = q < 0 ? beforeHash : beforeHash.slice(0, q);
	const lastSegment = beforeQuery.slice(beforeQuery.lastIndexOf('/') + 1);
	if ((hash >= 0 && hash < location.length - 1) || lastSegment.includes(';')) {
		throw invalid("'artifact_location' URL can't include fragments or params.");
	}
	if (q >= 0 && decodeAll(beforeHash.slice(q + 1)).includes('..')) throw invalid('Invalid query string');
	const u = splitUri(location);
	const localHost = u.netloc === '' || u.netloc === '.' || u.netloc.startsWith('localhost') || u.netloc.startsWith('127.0.0.1');
	if (u.scheme === '' && !location.startsWith('/')) return joinPath(cwd, beforeQuery);
	if (u.scheme === 'file' && localHost && !u.path.startsWith('/')) {
		return `file://${joinPath(cwd, decodeAll(u.path))}${q >= 0 ? beforeHash.slice(q) : ''}`;
	}
	return location;
}

/** Percent-decodes until the text stops changing (MLflow's `_decode`); malformed escapes are left as they are. */
function decodeAll(text: string): string {
	let out = text;
	for (let i = 0; i < 10; i++) {
		let next: string;
		try {
			next = decodeURIComponent(out);
		} catch {
			return out;
		}
		if (next === out) return out;
		out = next;
	}
	return out;
}
