import { describe, expect, it } from 'vitest';
import { checkBatchLimit, checkMetricKey, checkMlflowKey, normalizePosixPath, truncateValue } from './keys';

describe('normalizePosixPath', () => {
	it("agrees with Python's posixpath.normpath", () => {
		// Expected values printed by CPython 3.11 posixpath.normpath for each input.
		const python: Record<string, string> = {
			'': '.', '.': '.', '..': '..', a: 'a', 'a/b': 'a/b', 'a//b': 'a/b', './a': 'a', 'a/': 'a', '/a': '/a', '//a': '//a',
			'///a': '/a', 'a/./b': 'a/b', 'a/../b': 'b', '../a': '../a', 'a/..': '.', 'a/b/../..': '.', 'a/b/../../..': '..',
			'/..': '/', '/../a': '/a', '//../a': '//a', 'a b': 'a b', 'x/y/z': 'x/y/z'
		};
		for (const [input, want] of Object.entries(python)) expect({ input, got: normalizePosixPath(input) }).toEqual({ input, got: want });
	});
});

describe('checkMlflowKey', () => {
	it('accepts what MLflow accepts: word characters in any script, / . - space and colon', () => {
		for (const key of ['loss', 'train/loss', 'a.b-c d', 'time:step', 'précision', '数据', 'mlflow.runName']) {
			expect(checkMlflowKey(key, 'key', 'Param key')).toBe(key);
		}
	});

	it('rejects bad characters and names that resolve to another path, naming the field', () => {
		expect(() => checkMlflowKey('a*b', 'params[2].key', 'Param key')).toThrow(
			expect.objectContaining({
				message:
					'Invalid value "a*b" for parameter \'params[2].key\' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).'
			})
		);
		for (const [key, norm] of [['a//b', 'a/b'], ['./a', 'a'], ['a/', 'a'], ['/a', '/a'], ['..', '..'], ['', '.'], ['a/../b', 'b']]) {
			expect(() => checkMlflowKey(key, 'key', 'Param key')).toThrow(
				expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining(`This name would resolve to '${norm}'`) })
			);
		}
	});

	it('limits keys to 250 characters', () => {
		expect(checkMlflowKey('k'.repeat(250), 'key', 'Param key')).toHaveLength(250);
		expect(() => checkMlflowKey('k'.repeat(251), 'key', 'Param key')).toThrow(expect.objectContaining({ message: "'Param key' exceeds the maximum length of 250 characters" }));
	});

	it('metric keys also follow the document-name rule (no colon, ASCII word characters)', () => {
		expect(checkMetricKey('train/loss', 'name')).toBe('train/loss');
		expect(() => checkMetricKey('time:step', 'name')).toThrow("for parameter 'name' supplied: Metric names may only contain ASCII");
	});
});

describe('truncateValue and checkBatchLimit', () => {
	it('truncates by code points, as Python slices', () => {
		expect(truncateValue('abc', 5)).toBe('abc');
		expect(truncateValue('abcdef', 4)).toBe('abcd');
		expect(truncateValue('😀😀😀', 2)).toBe('😀😀');
		expect(truncateValue('😀😀', 2)).toBe('😀😀');
	});

	it("words batch limits as MLflow's", () => {
		expect(() => checkBatchLimit('params', 100, 100)).not.toThrow();
		expect(() => checkBatchLimit('params', 100, 101)).toThrow(
			expect.objectContaining({
				message:
					'A batch logging request can contain at most 100 params. Got 101 params. Please split up params across multiple requests and try again.'
			})
		);
	});
});
