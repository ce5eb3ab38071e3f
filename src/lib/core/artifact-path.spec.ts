// Unit tests of artifact path parsing and content-type guessing.
import { describe, expect, it } from 'vitest';
import { ARTIFACT_PATH_LIMITS, guessContentType, isPathMlflowRefuses, normalizeArtifactPath } from './artifact-path';

const accepted = (raw: string, allowEmpty = false) => {
	const r = normalizeArtifactPath(raw, { allowEmpty });
	if (!r.ok) throw new Error(`expected "${raw}" to be accepted, got: ${r.error}`);
	return r.path;
};
const rejected = (raw: string, allowEmpty = false) => {
	const r = normalizeArtifactPath(raw, { allowEmpty });
	if (r.ok) throw new Error(`expected "${raw}" to be rejected, got path "${r.path}"`);
	return r.error;
};

describe('normalizeArtifactPath', () => {
	it('keeps ordinary relative paths as they are', () => {
		expect(accepted('model.pkl')).toBe('model.pkl');
		expect(accepted('plots/loss curve.png')).toBe('plots/loss curve.png');
		expect(accepted('a/b/c/d.txt')).toBe('a/b/c/d.txt');
		expect(accepted('données/été.csv')).toBe('données/été.csv');
		expect(accepted('...')).toBe('...');
		expect(accepted('..hidden/x')).toBe('..hidden/x');
		expect(accepted('x/a:b')).toBe('x/a:b');
		expect(accepted('ab:c/d')).toBe('ab:c/d');
	});

	it("drops empty and '.' segments, and trailing slashes", () => {
		expect(accepted('./a//b/')).toBe('a/b');
		expect(accepted('a/./b/.')).toBe('a/b');
		expect(accepted('dir/')).toBe('dir');
	});

	it("rejects '..' anywhere", () => {
		expect(rejected('..')).toMatch(/\.\./);
		expect(rejected('../x')).toMatch(/\.\./);
		expect(rejected('a/../b')).toMatch(/\.\./);
		expect(rejected('a/b/..')).toMatch(/\.\./);
		expect(rejected('a/../../../etc/passwd')).toMatch(/\.\./);
	});

	it('rejects absolute paths and drive letters', () => {
		expect(rejected('/etc/passwd')).toMatch(/absolute/);
		expect(rejected('//server/share')).toMatch(/absolute/);
		expect(rejected('/')).toMatch(/absolute/);
		expect(rejected('C:/Windows')).toMatch(/drive/);
		expect(rejected('c:foo')).toMatch(/drive/);
	});

	it('rejects backslashes', () => {
		expect(rejected('a\\b')).toMatch(/\\/);
		expect(rejected('..\\..\\x')).toMatch(/\\/);
		expect(rejected('C:\\Windows')).toMatch(/\\/);
	});

	it('rejects NUL and other control characters', () => {
		expect(rejected('a\0b')).toMatch(/U\+0000 at index 1/);
		expect(rejected('a\nb')).toMatch(/U\+000A/);
		expect(rejected('tab\there')).toMatch(/U\+0009/);
		expect(rejected('del\x7f')).toMatch(/U\+007F/);
		expect(rejected('c1\u0085')).toMatch(/U\+0085/);
	});

	it("rejects '#', as MLflow does", () => {
		expect(rejected('a#b.txt')).toMatch(/#/);
	});

	it('rejects an empty result unless allowEmpty', () => {
		for (const raw of ['', '.', './', './/./']) {
			expect(rejected(raw)).toMatch(/empty/);
			expect(accepted(raw, true)).toBe('');
		}
		expect(accepted('a/b', true)).toBe('a/b');
		expect(rejected('/', true)).toMatch(/absolute/);
	});

	it('limits one segment to 255 UTF-8 bytes', () => {
		expect(accepted('x'.repeat(255))).toBe('x'.repeat(255));
		expect(rejected('x'.repeat(256))).toMatch(/256 bytes/);
		// 'é' is 2 bytes in UTF-8: 127 of them fit, 128 do not
		expect(accepted(`d/${'é'.repeat(127)}`)).toBe(`d/${'é'.repeat(127)}`);
		expect(rejected(`d/${'é'.repeat(128)}`)).toMatch(/256 bytes/);
		// an astral character is 4 bytes (two UTF-16 units)
		expect(accepted('😀'.repeat(63))).toBe('😀'.repeat(63));
		expect(rejected('😀'.repeat(64))).toMatch(/256 bytes/);
	});

	it('limits the whole input to 1024 characters', () => {
		const segment = 'y'.repeat(99);
		const path = Array.from({ length: 10 }, () => segment).join('/'); // 10 * 99 + 9 = 999
		expect(accepted(`${path}/${'z'.repeat(24)}`).length).toBe(ARTIFACT_PATH_LIMITS.totalLength);
		expect(rejected(`${path}/${'z'.repeat(25)}`)).toMatch(/1025 characters/);
	});
});

describe('isPathMlflowRefuses', () => {
	it('refuses what validate_path_is_safe refuses, after decoding until stable', () => {
		for (const bad of ['../path', 'a/../b', '/etc/passwd', 'C:/x', 'a\\b', 'a#b', '%2e%2e/x', '%252e%252e/x', 'file:///etc']) {
			expect({ bad, refused: isPathMlflowRefuses(bad) }).toEqual({ bad, refused: true });
		}
		for (const good of ['', 'a/b.txt', 'dir/', './a', 'a..b/c', '%41']) expect({ good, refused: isPathMlflowRefuses(good) }).toEqual({ good, refused: false });
	});
});

describe('guessContentType', () => {
	it('maps known extensions, case-insensitively', () => {
		const cases: [string, string][] = [
			['a.png', 'image/png'],
			['a.jpg', 'image/jpeg'],
			['a.JPEG', 'image/jpeg'],
			['a.gif', 'image/gif'],
			['a.svg', 'image/svg+xml'],
			['a.webp', 'image/webp'],
			['notes.txt', 'text/plain'],
			['train.log', 'text/plain'],
			['metrics.json', 'application/json'],
			['conda.yaml', 'text/yaml'],
			['env.yml', 'text/yaml'],
			['t.csv', 'text/csv'],
			['t.tsv', 'text/tab-separated-values'],
			['README.md', 'text/markdown'],
			['report.html', 'text/html'],
			['paper.pdf', 'application/pdf'],
			['plots/epoch.1/loss.PNG', 'image/png']
		];
		for (const [path, type] of cases) expect(guessContentType(path), path).toBe(type);
	});

	it('treats an MLmodel file as YAML', () => {
		expect(guessContentType('MLmodel')).toBe('text/yaml');
		expect(guessContentType('model/MLmodel')).toBe('text/yaml');
		expect(guessContentType('model/mlmodel')).toBe('application/octet-stream');
	});

	it('falls back to application/octet-stream', () => {
		expect(guessContentType('model.pkl')).toBe('application/octet-stream');
		expect(guessContentType('Makefile')).toBe('application/octet-stream');
		expect(guessContentType('.png')).toBe('application/octet-stream');
		expect(guessContentType('dir.png/data')).toBe('application/octet-stream');
		expect(guessContentType('trailing.')).toBe('application/octet-stream');
	});
});
