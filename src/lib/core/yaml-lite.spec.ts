import { describe, expect, it } from 'vitest';
import { parseYaml } from './yaml-lite';

function valueOf(text: string): unknown {
	const r = parseYaml(text);
	if (!r.ok) throw new Error(r.error);
	return r.value;
}

describe('parseYaml', () => {
	it('reads nested mappings and scalars the way PyYAML writes them', () => {
		const text = [
			'artifact_path: model',
			'flavors:',
			'  python_function:',
			'    env:',
			'      conda: conda.yaml',
			'      virtualenv: python_env.yaml',
			'    loader_module: mlflow.sklearn',
			'    python_version: 3.10.12',
			'  sklearn:',
			'    code: null',
			'    pickled_model: model.pkl',
			'model_size_bytes: 1234',
			"utc_time_created: '2024-01-02 03:04:05.000000'",
			'is_signature_from_type_hint: false',
			'ratio: 0.5'
		].join('\n');
		expect(valueOf(text)).toEqual({
			artifact_path: 'model',
			flavors: {
				python_function: { env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' }, loader_module: 'mlflow.sklearn', python_version: '3.10.12' },
				sklearn: { code: null, pickled_model: 'model.pkl' }
			},
			model_size_bytes: 1234,
			utc_time_created: '2024-01-02 03:04:05.000000',
			is_signature_from_type_hint: false,
			ratio: 0.5
		});
	});

	it('joins a single-quoted string PyYAML folded over several lines, keeping quotes and colons inside', () => {
		const text = [
			'signature:',
			`  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":`,
			`    "string", "name": "it''s", "required": false}]'`,
			'  params: null'
		].join('\n');
		const v = valueOf(text) as { signature: { inputs: string; params: null } };
		expect(JSON.parse(v.signature.inputs)).toEqual([
			{ type: 'double', name: 'sepal length (cm)', required: true },
			{ type: 'string', name: "it's", required: false }
		]);
		expect(v.signature.params).toBeNull();
	});

	it('reads double-quoted escapes, flow collections and comments', () => {
		expect(valueOf('a: "x\\ty \\"q\\""\nb: {}\nc: []\nd: [1, two, \'3\']  # note\ne: {k: v, n: 2}')).toEqual({
			a: 'x\ty "q"',
			b: {},
			c: [],
			d: [1, 'two', '3'],
			e: { k: 'v', n: 2 }
		});
	});

	it('reads a conda.yaml: sequences at the key indent, a mapping inside a sequence item', () => {
		const text = ['channels:', '- conda-forge', 'dependencies:', '- python=3.10.12', '- pip<=23.0', '- pip:', '  - mlflow==2.9.2', '  - scikit-learn==1.3.0', 'name: mlflow-env'].join('\n');
		expect(valueOf(text)).toEqual({
			channels: ['conda-forge'],
			dependencies: ['python=3.10.12', 'pip<=23.0', { pip: ['mlflow==2.9.2', 'scikit-learn==1.3.0'] }],
			name: 'mlflow-env'
		});
	});

	it('reads indented sequences of mappings', () => {
		expect(valueOf('items:\n  - name: a\n    n: 1\n  - name: b\n')).toEqual({ items: [{ name: 'a', n: 1 }, { name: 'b' }] });
	});

	it('reads an empty document as null and a lone scalar as itself', () => {
		expect(valueOf('')).toBeNull();
		expect(valueOf('# only a comment\n---\n')).toBeNull();
		expect(valueOf('42')).toBe(42);
	});

	it('gives an error with the line for what it cannot read', () => {
		expect(parseYaml('a: 1\n   b: 2')).toEqual({ ok: false, error: 'line 2: unexpected indentation' });
		expect(parseYaml("a: 'open\nb: 2")).toEqual({ ok: false, error: 'unterminated quoted string' });
		expect(parseYaml('a: 1\njust words')).toEqual({ ok: false, error: 'line 2: expected "key: value"' });
	});
});
