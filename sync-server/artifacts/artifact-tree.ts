// The directory view of a run's flat artifact manifest (canonical path -> entry): the direct children of a
// directory (listArtifactChildren, shared with the browser in src/lib/core), file/directory clashes, subtrees.
import type { ArtifactEntry } from '../../src/lib/core/docs/run';

export { listArtifactChildren, type ArtifactChild } from '../../src/lib/core/artifact-tree';

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
