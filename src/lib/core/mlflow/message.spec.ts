import { describe, expect, it } from 'vitest';
import { readBodyMessage, readBool, readString, readEnum, readInt, readQueryMessage, readRequiredString, readRunIdField, readStringList } from './message';
import { createPageToken, readPage, readPageToken } from './paging';
import { parseCreateRunRequest, parseSearchRunsRequest } from './run-requests';
import { parseLogBatchRequest, parseLogInputsRequest } from './logging-requests';
import { writePythonJson } from './python-json';

describe('request messages', () => {
	it('reads a GET query: repeated keys as lists for repeated fields, the first value otherwise', () => {
		const m = readQueryMessage(new URLSearchParams('run_ids=a&run_ids=b&metric_key=loss&metric_key=x&max_results=10'), ['run_ids']);
		expect(m).toEqual({ run_ids: ['a', 'b'], metric_key: 'loss', max_results: '10' });
		expect(readStringList(readQueryMessage(new URLSearchParams('run_ids=a'), ['run_ids']), 'run_ids')).toEqual(['a']);
	});

	it('coerces ints, bools and enums from strings; refuses other types with MLflow messages', () => {
		expect(readInt({ n: '42' }, 'n')).toBe(42);
		expect(readInt({ n: -7 }, 'n')).toBe(-7);
		expect(readBool({ b: 'True' }, 'b')).toBe(true);
		expect(readEnum({ s: 'FINISHED' }, 's', ['RUNNING', 'SCHEDULED', 'FINISHED'])).toBe('FINISHED');
		expect(readEnum({ s: '2' }, 's', ['RUNNING', 'SCHEDULED', 'FINISHED'])).toBe('SCHEDULED');
		expect(() => readInt({ n: 1.5 }, 'n')).toThrow(
			expect.objectContaining({
				message:
					"Invalid value 1.5 for parameter 'n' supplied. Hint: Value was of type 'float'. See the API docs for more information about request parameters."
			})
		);
		expect(() => readBool({ b: 'yes' }, 'b')).toThrow(expect.objectContaining({ message: "Invalid boolean value: yes, must be 'true' or 'false'." }));
	});

	it('treats absent, null and empty required strings as missing; run_uuid stands in for run_id', () => {
		for (const m of [{}, { name: null }, { name: '' }]) {
			expect(() => readRequiredString(m, 'name')).toThrow(
				expect.objectContaining({
					message:
						"Missing value for required parameter 'name'. See the API docs for more information about request parameters."
				})
			);
		}
		expect(readRunIdField({ run_uuid: 'abc' })).toBe('abc');
	});

	it('prints a wrong-typed body field as Python does, from the body text: 9.0 is a float', () => {
		const text = '{"name": "x", "artifact_location": 9.0}';
		expect(() => readString(readBodyMessage(JSON.parse(text), text), 'artifact_location')).toThrow(
			"Invalid value 9.0 for parameter 'artifact_location' supplied. Hint: Value was of type 'float'."
		);
		expect(() => readString(readBodyMessage({ n: 9 }), 'n')).toThrow("Invalid value 9 for parameter 'n' supplied. Hint: Value was of type 'int'.");
		expect(Object.keys(readBodyMessage(JSON.parse(text), text))).toEqual(['name', 'artifact_location']);
	});

	it('accepts a double-encoded JSON body and refuses non-objects', () => {
		expect(readBodyMessage('{"a": 1}')).toEqual({ a: 1 });
		expect(() => readBodyMessage([1])).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
	});
});

describe('page tokens', () => {
	it('round-trips offsets as base64 {"offset": N} and pages a list', () => {
		expect(atob(createPageToken(1000))).toBe('{"offset":1000}');
		expect(readPageToken(createPageToken(7))).toBe(7);
		expect(readPageToken(undefined)).toBe(0);
		expect(readPage([1, 2, 3, 4, 5], 0, 2)).toEqual({ items: [1, 2], nextPageToken: createPageToken(2) });
		expect(readPage([1, 2, 3, 4, 5], 4, 2)).toEqual({ items: [5] });
		expect(() => readPageToken('%%%')).toThrow(expect.objectContaining({ message: 'Invalid page token, could not base64-decode' }));
		expect(() => readPageToken(btoa('{"offset": -1}'))).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
	});
});

describe('request parsers', () => {
	it('create run: defaults to experiment "0" and refuses a run name that contradicts its tag', () => {
		expect(parseCreateRunRequest({ tags: [{ key: 'mlflow.runName', value: 'x' }] })).toMatchObject({ experimentId: '0', tags: { 'mlflow.runName': 'x' } });
		expect(() => parseCreateRunRequest({ run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] })).toThrow(
			expect.objectContaining({
				message:
					"Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='a', mlflow.runName='b')."
			})
		);
	});

	it('search runs: MLflow defaults, limits and filter errors', () => {
		const req = parseSearchRunsRequest({ experiment_ids: ['1', '1', '2'] });
		expect(req).toMatchObject({ experimentIds: ['1', '2'], view: 'ACTIVE_ONLY', maxResults: 1000, offset: 0 });
		expect(parseSearchRunsRequest({ experiment_ids: [3], run_view_type: 3 })).toMatchObject({ experimentIds: ['3'], view: 'ALL' });
		expect(() => parseSearchRunsRequest({ max_results: 50001 })).toThrow('It must be at most 50000');
		expect(() => parseSearchRunsRequest({ max_results: 0 })).toThrow('It must be a positive integer');
		expect(() => parseSearchRunsRequest({ filter: 'metrics.a < 1 OR metrics.b > 2' })).toThrow('Invalid clause(s)');
	});

	it('log-batch: groups points per key, truncates long values, requires timestamps', () => {
		const req = parseLogBatchRequest({
			run_id: 'r',
			metrics: [
				{ key: 'a', value: 1, timestamp: 5, step: 0 },
				{ key: 'b', value: 'NaN', timestamp: '6' },
				{ key: 'a', value: '-Infinity', timestamp: 7, step: '2' }
			],
			params: [{ key: 'long', value: 'x'.repeat(7000) }],
			tags: [{ key: 't', value: 'first' }, { key: 't', value: 'second' }]
		});
		expect(Array.from(req.metrics.get('a')!.values)).toEqual([1, -Infinity]);
		expect(Array.from(req.metrics.get('a')!.steps)).toEqual([0, 2]);
		expect(Array.from(req.metrics.get('b')!.values)).toEqual([NaN]);
		expect(req.params.long).toHaveLength(6000);
		expect(req.tags).toEqual({ t: 'second' });
		// MLflow names the whole list when an item lacks a required field, written as Python's json.dumps sorts it.
		expect(() => parseLogBatchRequest({ run_id: 'r', metrics: [{ value: 2.5, key: 'mae' }] })).toThrow(
			`Invalid value [{"key":"mae","value":2.5}] for parameter 'metrics' supplied. Hint: Value was of type 'list'.`
		);
		expect(() => parseLogBatchRequest({ run_id: 'r', params: [{ key: '', value: 'v' }] })).toThrow("for parameter 'params' supplied");
		expect(() => parseLogBatchRequest({ run_id: 'r', tags: [{ value: 'v' }] })).toThrow("for parameter 'tags' supplied");
	});

	it('log-inputs: datasets are required unless the request names models (3.x)', () => {
		expect(() => parseLogInputsRequest({ run_id: 'r' })).toThrow("Missing value for required parameter 'datasets'.");
		expect(parseLogInputsRequest({ run_id: 'r', datasets: [] }).inputs.datasetInputs).toEqual([]);
		expect(parseLogInputsRequest({ run_id: 'r', models: [{ model_id: 'm-1' }] }).inputs.modelInputs).toEqual([{ model_id: 'm-1' }]);
	});

	it('writes invalid values as Python json.dumps(sort_keys=True) does: compact, sorted, ASCII', () => {
		expect(writePythonJson({ b: [1, 'é'], a: null })).toBe('{"a":null,"b":[1,"\\u00e9"]}');
	});
});
