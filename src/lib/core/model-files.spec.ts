import { describe, expect, it } from 'vitest';
import type { ArtifactEntry } from './docs/run';
import { joinModelPath, parseInputExample, readModelFolders, readRequirements } from './model-files';

describe('parseInputExample', () => {
	it('reads pandas split JSON, with or without MLflow serving wrappers', () => {
		const split = { columns: ['a', 'b'], data: [[1, 'x'], [2.5, null]] };
		const table = { columns: ['a', 'b'], rows: [['1', 'x'], ['2.5', 'null']] };
		expect(parseInputExample(JSON.stringify(split))).toEqual(table);
		expect(parseInputExample(JSON.stringify({ ...split, index: [0, 1] }))).toEqual(table);
		expect(parseInputExample(JSON.stringify({ dataframe_split: split }))).toEqual(table);
	});

	it('reads records, column lists and rows of values', () => {
		expect(parseInputExample('[{"a": 1, "b": [1, 2]}, {"a": 2, "c": "z"}]')).toEqual({
			columns: ['a', 'b', 'c'],
			rows: [
				['1', '[1,2]', ''],
				['2', '', 'z']
			]
		});
		expect(parseInputExample('{"dataframe_records": [{"a": 1}]}')).toEqual({ columns: ['a'], rows: [['1']] });
		expect(parseInputExample('{"inputs": {"x": [1, 2], "y": ["p", "q"]}}')).toEqual({ columns: ['x', 'y'], rows: [['1', 'p'], ['2', 'q']] });
		expect(parseInputExample('[[1, 2], [3, 4]]')).toEqual({ columns: ['0', '1'], rows: [['1', '2'], ['3', '4']] });
	});

	it('gives null for what is not a table', () => {
		expect(parseInputExample('not json')).toBeNull();
		expect(parseInputExample('"hello"')).toBeNull();
		expect(parseInputExample('{"messages": [{"role": "user"}]}')).toBeNull();
		expect(parseInputExample('[]')).toBeNull();
		expect(parseInputExample('[1, "a"]')).toBeNull();
	});
});

describe('readRequirements', () => {
	it('keeps package lines only', () => {
		expect(readRequirements('# generated\nmlflow==3.1.0\n\n-r other.txt\nscikit-learn==1.3.0  # pinned\n--index-url x\n')).toEqual(['mlflow==3.1.0', 'scikit-learn==1.3.0']);
	});
});

describe('readModelFolders', () => {
	it('lists the folders holding an MLmodel file, the root as ""', () => {
		const e: ArtifactEntry = { sha256: 'x', size: 1, type: 'text/plain', mtime: 0 };
		const m = new Map([
			['model/MLmodel', e],
			['model/model.pkl', e],
			['MLmodel', e],
			['plots/MLmodel.png', e],
			['a/b/MLmodel', e]
		]);
		expect(readModelFolders(m)).toEqual(['', 'a/b', 'model']);
		expect(joinModelPath('', 'MLmodel')).toBe('MLmodel');
		expect(joinModelPath('model', 'MLmodel')).toBe('model/MLmodel');
	});
});
