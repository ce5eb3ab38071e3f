// The directory view of a run's flat artifact manifest (canonical path -> entry): the direct children of a
// directory (directories synthesised from file paths, as MLflow lists them), file/directory clashes, subtrees.
import type { ArtifactEntry } from '../../src/lib/core/docs/run';

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

/**
 * Why a file cannot be written at `path`, or null if it can: an ancestor of `path` is a file
 * (`a` exists, writing `a/b`), or `path` is a directory (`a/b` exists, writing `a`). Overwriting a file is fine.
 */
export function findArtifactConflict(manifest: ReadonlyMap<string, ArtifactEntry>, path: string): string | null {
	const segments = path.split('/');
	for (let i = 1; i < segments.length; i++) {
		const ancestor = segments.slice(0, i).join('/');
		if (manifest.has(ancestor)) return `cannot write '${path}': '${ancestor}' is a file`;
	}
	const prefix = path + '/';
	for (const p of manifest.keys()) if (p.startsWith(prefix)) return `cannot write '${path}': it is a directory`;
	return null;
}

/** The manifest paths at or below `path` (the file itself, or every file in the directory); '' selects all. */
export function selectArtifactSubtree(manifest: ReadonlyMap<string, ArtifactEntry>, path: string): string[] {
	if (path === '') return [...manifest.keys()];
	const prefix = path + '/';
	return [...manifest.keys()].filter((p) => p === path || p.startsWith(prefix));
}
