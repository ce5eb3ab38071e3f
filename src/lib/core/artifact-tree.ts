// The directory view of a run's flat artifact manifest (canonical path -> entry): the direct children of a
// directory, with directories synthesised from file paths (as MLflow lists them). Shared by the server's listing
// API and the run page's artifact tree.
import type { ArtifactEntry } from './docs/run';

export interface ArtifactChild {
	/** Canonical path relative to the run's artifact root, e.g. `model/MLmodel`. */
	path: string;
	/** The last segment of `path`. */
	name: string;
	isDir: boolean;
	/** bytes; files only */
	size?: number;
	/** files only */
	entry?: ArtifactEntry;
}

/**
 * The direct children of directory `dir` ('' for the root; canonical, as normalizeArtifactPath returns it),
 * sorted by name (code-unit order). A directory appears once, however many files lie below it. Returns []
 * when `dir` is a file, does not exist or is empty — MLflow's answer for all three.
 */
export function listArtifactChildren(manifest: ReadonlyMap<string, ArtifactEntry>, dir: string): ArtifactChild[] {
	const prefix = dir === '' ? '' : dir + '/';
	const files = new Map<string, ArtifactEntry>();
	const dirs = new Set<string>();
	for (const [path, entry] of manifest) {
		if (!path.startsWith(prefix) || path.length === prefix.length) continue;
		const rest = path.slice(prefix.length);
		const slash = rest.indexOf('/');
		if (slash === -1) files.set(rest, entry);
		else dirs.add(rest.slice(0, slash));
	}
	const out: ArtifactChild[] = [];
	for (const name of dirs) if (!files.has(name)) out.push({ path: prefix + name, name, isDir: true });
	for (const [name, entry] of files) out.push({ path: prefix + name, name, isDir: false, size: entry.size, entry });
	return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
