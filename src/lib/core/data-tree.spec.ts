// Unit tests of reading a parsed JSON / YAML value as a foldable tree: entries and pages, labels and scalar texts in
// each syntax, summaries, and the bounded node count that decides how much opens at first.
import { describe, expect, it } from 'vitest';
import { countEntries, countNodes, formatKey, isBranch, readBrackets, readEntries, readOpenDepth, readScalar, summarizeBranch, OPEN_ALL_BELOW, TREE_PAGE } from './data-tree';
import { parseYaml } from './yaml-lite';

describe('entries', () => {
	it('reads a mapping in its order and a sequence by index, a page at a time', () => {
		expect(readEntries({ b: 1, a: [2] })).toEqual([
			{ key: 'b', value: 1 },
			{ key: 'a', value: [2] }
		]);
		const long = Array.from({ length: TREE_PAGE + 5 }, (_, i) => i * 10);
		expect(readEntries(long)).toHaveLength(TREE_PAGE);
		expect(readEntries(long, TREE_PAGE)).toEqual([0, 1, 2, 3, 4].map((i) => ({ key: TREE_PAGE + i, value: (TREE_PAGE + i) * 10 })));
		expect(countEntries(long)).toBe(TREE_PAGE + 5);
	});

	it('tells branches from scalars and summarises them', () => {
		expect([{}, [], { a: 1 }].every(isBranch)).toBe(true);
		expect([null, 0, '', false].some(isBranch)).toBe(false);
		expect(summarizeBranch({ a: 1 })).toBe('1 key');
		expect(summarizeBranch([1, 2, 3])).toBe('3 items');
		expect(readBrackets([], 'json')).toEqual(['[', ']']);
		expect(readBrackets({}, 'json')).toEqual(['{', '}']);
		expect(readBrackets({}, 'yaml')).toEqual(['', '']);
	});
});

describe('labels and scalars', () => {
	it('writes JSON keys and strings quoted and escaped, indexes as numbers', () => {
		expect(formatKey('a "b"', 'json')).toBe('"a \\"b\\""');
		expect(formatKey(3, 'json')).toBe('3');
		expect(readScalar('x\ny', 'json')).toEqual({ kind: 'string', text: '"x\\ny"' });
		expect(readScalar(0.5, 'json')).toEqual({ kind: 'number', text: '0.5' });
		expect(readScalar(false, 'json')).toEqual({ kind: 'boolean', text: 'false' });
		expect(readScalar(null, 'json')).toEqual({ kind: 'null', text: 'null' });
	});

	it('writes YAML keys plain, items as "-", and quotes only strings that would read back as something else', () => {
		expect(formatKey('python_function', 'yaml')).toBe('python_function');
		expect(formatKey(0, 'yaml')).toBe('-');
		expect(readScalar('sklearn.pkl', 'yaml').text).toBe('sklearn.pkl');
		for (const s of ['true', '1.5', 'null', '', '- x', 'a: b', ' lead']) expect(readScalar(s, 'yaml').text, s).toMatch(/^'.*'$/);
		expect(readScalar("it's: x", 'yaml').text).toBe("'it''s: x'");
		expect(readScalar(Infinity, 'yaml').text).toBe('.inf');
		// What parseYaml reads back from a quoted scalar is the string it was.
		for (const s of ['true', '1.5', "it's: x"]) {
			const back = parseYaml(`k: ${readScalar(s, 'yaml').text}`);
			expect(back, s).toEqual({ ok: true, value: { k: s } });
		}
	});
});

describe('how much opens at first', () => {
	it('counts nodes exactly below the cap and stops at it', () => {
		expect(countNodes(1, 100)).toBe(1);
		expect(countNodes({ a: [1, 2], b: { c: null } }, 100)).toBe(6);
		const huge = Array.from({ length: 100_000 }, (_, i) => ({ i }));
		expect(countNodes(huge, 500)).toBe(500);
	});

	it('opens a small value whole and a large one at its first level', () => {
		expect(readOpenDepth({ flavors: { python_function: { loader_module: 'mlflow.sklearn' } } })).toBe(Infinity);
		expect(readOpenDepth(Array.from({ length: OPEN_ALL_BELOW }, (_, i) => i))).toBe(1);
	});
});
