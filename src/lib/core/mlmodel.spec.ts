import { describe, expect, it } from 'vitest';
import { formatLoadSnippet, parseMLmodel, parseSignatureSchema, readFlavorNames } from './mlmodel';

const MLMODEL = [
	'artifact_path: model',
	'flavors:',
	'  python_function:',
	'    loader_module: mlflow.sklearn',
	'    model_path: model.pkl',
	'  sklearn:',
	'    pickled_model: model.pkl',
	'    sklearn_version: 1.3.0',
	'mlflow_version: 3.1.0',
	'model_id: m-0123456789abcdef0123456789abcdef',
	'run_id: 0123456789abcdef0123456789abcdef',
	'saved_input_example_info:',
	'  artifact_path: input_example.json',
	'  pandas_orient: split',
	'  type: dataframe',
	'signature:',
	`  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":`,
	`    "string", "name": "species", "required": false}]'`,
	`  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'`,
	'  params: null',
	"utc_time_created: '2024-05-01 10:00:00.000000'"
].join('\n');

describe('parseMLmodel', () => {
	it('reads flavors, the signature, the input example and ids', () => {
		const r = parseMLmodel(MLMODEL);
		if (!r.ok) throw new Error(r.error);
		const m = r.model;
		expect(m.flavors.map((f) => f.name)).toEqual(['python_function', 'sklearn']);
		expect(m.flavors[1].settings).toEqual({ pickled_model: 'model.pkl', sklearn_version: '1.3.0' });
		expect(readFlavorNames(m.flavors)).toEqual(['sklearn', 'python_function']);
		expect(m.signature).toEqual({
			kind: 'columns',
			inputs: [
				{ name: 'sepal length (cm)', type: 'double', required: true },
				{ name: 'species', type: 'string', required: false }
			],
			outputs: [{ name: null, type: 'int64 (-1)', required: true }],
			params: null
		});
		expect(m.inputExample).toEqual({ path: 'input_example.json', type: 'dataframe' });
		expect(m).toMatchObject({ modelId: 'm-0123456789abcdef0123456789abcdef', runId: '0123456789abcdef0123456789abcdef', artifactPath: 'model', mlflowVersion: '3.1.0', createdAt: '2024-05-01 10:00:00.000000' });
	});

	it('reads a model without signature or example', () => {
		const r = parseMLmodel('flavors:\n  pytorch:\n    pytorch_version: 2.1.0\n');
		expect(r).toMatchObject({ ok: true, model: { signature: null, inputExample: null, modelId: null } });
	});

	it('gives an error for text that is not a mapping', () => {
		expect(parseMLmodel('- a\n- b')).toEqual({ ok: false, error: 'an MLmodel file is a YAML mapping' });
		expect(parseMLmodel('a: 1\n  b: 2').ok).toBe(false);
	});
});

describe('parseSignatureSchema', () => {
	it('formats nested column types and param defaults', () => {
		expect(
			parseSignatureSchema(
				JSON.stringify([
					{ type: 'array', items: { type: 'string' }, name: 'tags', required: true },
					{ type: 'object', properties: { a: { type: 'long' } }, name: 'o', required: true },
					{ type: 'map', values: { type: 'double' }, name: 'm', required: false }
				])
			)
		).toEqual([
			{ name: 'tags', type: 'array<string>', required: true },
			{ name: 'o', type: '{a: long}', required: true },
			{ name: 'm', type: 'map<string, double>', required: false }
		]);
		expect(parseSignatureSchema('[{"name": "temperature", "type": "float", "default": 0.5, "shape": null}]')).toEqual([
			{ name: 'temperature', type: 'float', required: true, defaultValue: '0.5' }
		]);
	});

	it('reads null, empty and malformed text as no schema', () => {
		expect(parseSignatureSchema(null)).toBeNull();
		expect(parseSignatureSchema('null')).toBeNull();
		expect(parseSignatureSchema('{not json')).toBeNull();
		expect(parseSignatureSchema('{"a": 1}')).toBeNull();
	});
});

describe('formatLoadSnippet', () => {
	it('loads with pyfunc and with each flavor MLflow can load', () => {
		expect(formatLoadSnippet('models:/m-1', ['sklearn', 'my_custom', 'python_function'])).toBe(
			['import mlflow', '', 'model = mlflow.pyfunc.load_model("models:/m-1")', 'sklearn_model = mlflow.sklearn.load_model("models:/m-1")'].join('\n')
		);
	});
});
