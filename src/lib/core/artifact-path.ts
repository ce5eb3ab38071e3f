// Parsing of untrusted artifact paths (MLflow-style, relative to a run's artifact root) into one canonical form,
// and the content type an artifact is served with, guessed from its file name.

export const ARTIFACT_PATH_LIMITS = {
	/** characters of the raw input */
	totalLength: 1024,
	/** UTF-8 bytes of one segment (the usual file-system limit on a file name) */
	segmentBytes: 255
} as const;

export type ArtifactPathResult = { ok: true; path: string } | { ok: false; error: string };

export interface NormalizeArtifactPathOptions {
	/** Accept a path that normalizes to '' (the run's artifact root, for listing). Default false. */
	allowEmpty?: boolean;
}

/**
 * Parses an untrusted relative artifact path into its canonical form: segments joined by single '/',
 * with '' and '.' segments dropped (so `./a//b/` → `a/b`). Rejects, with a message naming the problem:
 * '..' segments, absolute paths (leading '/' or a drive like `C:`), backslashes, '#' (MLflow refuses it too),
 * NUL and other control characters, segments over 255 UTF-8 bytes, input over 1024 characters,
 * and an empty result unless `allowEmpty`. The result never starts or ends with '/'.
 */
export function normalizeArtifactPath(raw: string, opts: NormalizeArtifactPathOptions = {}): ArtifactPathResult {
	if (typeof raw !== 'string') return fail('artifact path must be a string');
	if (raw.length > ARTIFACT_PATH_LIMITS.totalLength) {
		return fail(`artifact path is ${raw.length} characters long; the limit is ${ARTIFACT_PATH_LIMITS.totalLength}`);
	}
	const control = findControlChar(raw);
	if (control !== -1) {
		return fail(`artifact path contains control character U+${raw.charCodeAt(control).toString(16).toUpperCase().padStart(4, '0')} at index ${control}`);
	}
	if (raw.includes('\\')) return fail('artifact path must use "/" as separator, not "\\"');
	if (raw.includes('#')) return fail('artifact path must not contain "#"');
	if (raw.startsWith('/')) return fail(`artifact path must be relative, got absolute path "${raw}"`);
	if (/^[A-Za-z]:/.test(raw)) return fail(`artifact path must be relative, got drive path "${raw}"`);

	const segments: string[] = [];
	for (const segment of raw.split('/')) {
		if (segment === '' || segment === '.') continue;
		if (segment === '..') return fail('artifact path must not contain ".." segments');
		const bytes = utf8Length(segment);
		if (bytes > ARTIFACT_PATH_LIMITS.segmentBytes) {
			return fail(`artifact path segment "${segment.slice(0, 40)}…" is ${bytes} bytes long; the limit is ${ARTIFACT_PATH_LIMITS.segmentBytes}`);
		}
		segments.push(segment);
	}
	if (segments.length === 0 && !opts.allowEmpty) return fail('artifact path is empty');
	return { ok: true, path: segments.join('/') };
}

/**
 * True for a path MLflow's `validate_path_is_safe` refuses with its bare "Invalid path": one holding '#' or '\\',
 * a '..' segment, or an absolute path (POSIX, a Windows drive or UNC; a `file:` URI is judged by its path).
 * `raw` is already percent-decoded once; MLflow decodes it again until it stops changing.
 */
export function isPathMlflowRefuses(raw: string): boolean {
	let path = raw;
	for (let i = 0; i < 10; i++) {
		let next: string;
		try {
			next = decodeURIComponent(path);
		} catch {
			break;
		}
		if (next === path) break;
		path = next;
	}
	if (path.includes('#')) return true;
	if (/^file:/i.test(path)) path = path.replace(/^file:(\/\/[^/]*)?/i, '');
	return path.includes('\\') || path.split('/').includes('..') || path.startsWith('/') || /^[A-Za-z]:/.test(path);
}

const CONTENT_TYPES: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	svg: 'image/svg+xml',
	webp: 'image/webp',
	txt: 'text/plain',
	log: 'text/plain',
	json: 'application/json',
	yaml: 'text/yaml',
	yml: 'text/yaml',
	csv: 'text/csv',
	tsv: 'text/tab-separated-values',
	md: 'text/markdown',
	html: 'text/html',
	pdf: 'application/pdf'
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * The MIME type for an artifact path, from its file name's extension (case-insensitive); MLflow's `MLmodel`
 * file is YAML. Unknown or missing extensions give application/octet-stream. No charset parameter is added.
 */
export function guessContentType(path: string): string {
	const name = path.slice(path.lastIndexOf('/') + 1);
	if (name === 'MLmodel') return 'text/yaml';
	const dot = name.lastIndexOf('.');
	if (dot <= 0) return DEFAULT_CONTENT_TYPE; // no extension, or a dot file like ".env"
	return CONTENT_TYPES[name.slice(dot + 1).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}

function fail(error: string): ArtifactPathResult {
	return { ok: false, error };
}

/** Index of the first control character (C0, DEL or C1), or -1. */
function findControlChar(s: string): number {
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return i;
	}
	return -1;
}

/** UTF-8 byte length of `s`; an unpaired surrogate counts as the 3 bytes of U+FFFD. */
function utf8Length(s: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x80) n += 1;
		else if (c < 0x800) n += 2;
		else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			n += 4;
			i++;
		} else n += 3;
	}
	return n;
}
