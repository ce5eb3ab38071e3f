// The directory view over a flat artifact manifest: listing direct children, clashes, subtrees.
import { describe, expect, it } from 'vitest';
import type { ArtifactEntry } from '../../src/lib/core/docs/run';
import { findArtifactConflict, listArtifactChildren, selectArtifactSubtree } from './artifact-tree';

const entry = (size: number): ArtifactEntry => ({ sha256: String(size).padStart(64, '0'), size, type: 'text/plain', mtime: 1 });
const manifest = new Map<string, ArtifactEntry>([
	['a.txt', entry(1)],
	['dir/b.txt', entry(2)],
	['dir/sub/c.txt', entry(3)],
	['dir/sub/d.txt', entry(4)],
	['dirx/e.txt', entry(5)],
	['B.txt', entry(6)]
]);
const summary = (dir: string) => listArtifactChildren(manifest, dir).map((c) => [c.path, c.isDir, c.size ?? null]);

describe('listArtifactChildren', () => {
	it('lists the root: files with sizes, each directory once, sorted by name', () => {
		expect(summary('')).toEqual([
			['B.txt', false, 6],
			['a.txt', false, 1],
			['dir', true, null],
			['dirx', true, null]
		]);
	});

	it('lists a nested directory with run-relative paths', () => {
		expect(summary('dir')).toEqual([
			['dir/b.txt', false, 2],
			['dir/sub', true, null]
		]);
		expect(listArtifactChildren(manifest, 'dir/sub').map((c) => c.name)).toEqual(['c.txt', 'd.txt']);
	});

	it('answers [] for a file, a missing path and a name that is only a prefix of a directory', () => {
		expect(summary('a.txt')).toEqual([]);
		expect(summary('nope')).toEqual([]);
		expect(summary('di')).toEqual([]);
	});
});

describe('findArtifactConflict', () => {
	it('allows new files, nested new directories and overwriting a file', () => {
		expect(findArtifactConflict(manifest, 'new.txt')).toBeNull();
		expect(findArtifactConflict(manifest, 'dir/sub2/x')).toBeNull();
		expect(findArtifactConflict(manifest, 'dir/b.txt')).toBeNull();
		expect(findArtifactConflict(manifest, 'dirx2')).toBeNull();
	});

	it('refuses a file under a file and a file over a directory', () => {
		expect(findArtifactConflict(manifest, 'a.txt/x')).toBe("cannot write 'a.txt/x': 'a.txt' is a file");
		expect(findArtifactConflict(manifest, 'dir/sub')).toBe("cannot write 'dir/sub': it is a directory");
	});
});

describe('selectArtifactSubtree', () => {
	it('selects a file, a directory (not its name-prefixed sibling) and everything for the root', () => {
		expect(selectArtifactSubtree(manifest, 'a.txt')).toEqual(['a.txt']);
		expect(selectArtifactSubtree(manifest, 'dir').sort()).toEqual(['dir/b.txt', 'dir/sub/c.txt', 'dir/sub/d.txt']);
		expect(selectArtifactSubtree(manifest, '').length).toBe(manifest.size);
		expect(selectArtifactSubtree(manifest, 'missing')).toEqual([]);
	});
});
