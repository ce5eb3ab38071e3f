// How the run page previews an artifact, chosen from its file name: image, CSV/TSV table, JSON, YAML (MLmodel and
// MLflow's environment files too), Markdown, plain text (logs, code), or none (binary). Also the byte budget of a
// preview read.

export const PREVIEW_KINDS = ['image', 'table', 'json', 'yaml', 'markdown', 'text', 'none'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

/** Bytes of a text artifact fetched for its preview (one Range request); larger files say they are truncated. */
export const PREVIEW_MAX_BYTES = 1024 * 1024;
/** Rows of a CSV/TSV preview shown at most. */
export const PREVIEW_MAX_ROWS = 500;

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'avif']);
const TABLE = new Set(['csv', 'tsv', 'tab']);
const MARKDOWN = new Set(['md', 'markdown']);
const JSON_EXT = new Set(['json', 'ipynb', 'geojson']);
const YAML_EXT = new Set(['yaml', 'yml']);
const TEXT = new Set([
	'txt', 'log', 'out', 'err', 'py', 'pyi', 'ipy', 'r', 'sh', 'bash', 'zsh', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx',
	'java', 'scala', 'kt', 'go', 'rs', 'c', 'h', 'cc', 'cpp', 'hpp', 'cu', 'sql', 'toml', 'ini', 'cfg',
	'conf', 'env', 'properties', 'xml', 'html', 'htm', 'css', 'jsonl', 'ndjson', 'rst', 'tex', 'diff', 'patch', 'lock',
	'gitignore', 'dockerfile', 'makefile', 'svelte', 'vue', 'proto'
]);
/** Extension-less names that are text by convention. */
const TEXT_NAMES = new Set(['Dockerfile', 'Makefile', 'LICENSE', 'README', 'requirements.txt']);

/** The preview kind for an artifact path (by its last segment; extensions are case-insensitive). */
export function readPreviewKind(path: string): PreviewKind {
	const name = path.slice(path.lastIndexOf('/') + 1);
	if (name === 'MLmodel') return 'yaml';
	if (TEXT_NAMES.has(name)) return 'text';
	const dot = name.lastIndexOf('.');
	const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : dot === 0 ? name.slice(1).toLowerCase() : '';
	if (IMAGE.has(ext)) return 'image';
	if (TABLE.has(ext)) return 'table';
	if (JSON_EXT.has(ext)) return 'json';
	if (YAML_EXT.has(ext)) return 'yaml';
	if (MARKDOWN.has(ext)) return 'markdown';
	if (TEXT.has(ext)) return 'text';
	return 'none';
}

/** The URL a manifest entry's bytes are served at: content-addressed, `name` picks the content type. */
export function formatBlobUrl(sha256: string, path: string): string {
	return `/api/blobs/${encodeURIComponent(sha256)}?name=${encodeURIComponent(path.slice(path.lastIndexOf('/') + 1))}`;
}

/** A byte count as "812 B", "4.2 KB", "1.5 MB", "3.1 GB" (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes < 0) return '—';
	if (bytes < 1024) return `${bytes} B`;
	const units = ['KB', 'MB', 'GB', 'TB'];
	let v = bytes / 1024;
	let u = 0;
	while (v >= 1024 && u < units.length - 1) {
		v /= 1024;
		u++;
	}
	return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
