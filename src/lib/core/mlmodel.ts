// An MLflow model's `MLmodel` file read for display: its flavors, its signature (the `inputs`/`outputs`/`params`
// JSON strings parsed into columns), the saved input example's file, ids and versions, and the Python that loads it.
import { parseYaml, type YamlValue } from './yaml-lite';

export interface MLmodelFlavor {
	name: string;
	/** The flavor's own settings (version, serialization format, loader module…), nested values as written. */
	settings: Record<string, YamlValue>;
}

/** One column, tensor or param of a signature; `type` is readable text ("double", "array<string>", "float32 (-1, 4)"). */
export interface SignatureField {
	name: string | null;
	type: string;
	/** false for an optional column; true for tensors and params */
	required: boolean;
	/** a param's default, as JSON text */
	defaultValue?: string;
}

export interface ModelSignature {
	inputs: SignatureField[] | null;
	outputs: SignatureField[] | null;
	params: SignatureField[] | null;
	/** 'tensor' when the inputs are tensor specs, else 'columns' */
	kind: 'columns' | 'tensor';
}

export interface MLmodelInfo {
	flavors: MLmodelFlavor[];
	signature: ModelSignature | null;
	/** The input example's artifact path and what it holds (`dataframe`, `ndarray`, `json_object`…). */
	inputExample: { path: string; type: string } | null;
	modelId: string | null;
	runId: string | null;
	artifactPath: string | null;
	mlflowVersion: string | null;
	createdAt: string | null;
}

export type MLmodelResult = { ok: true; model: MLmodelInfo } | { ok: false; error: string };

type Obj = Record<string, YamlValue>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const readText = (v: YamlValue | undefined): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

function formatType(spec: Record<string, unknown>): string {
	const type = typeof spec.type === 'string' ? spec.type : 'unknown';
	if (type === 'tensor' && isObj(spec['tensor-spec'])) {
		const t = spec['tensor-spec'] as Record<string, unknown>;
		const shape = Array.isArray(t.shape) ? ` (${t.shape.join(', ')})` : '';
		return `${typeof t.dtype === 'string' ? t.dtype : 'tensor'}${shape}`;
	}
	if (type === 'array' && isObj(spec.items)) return `array<${formatType(spec.items)}>`;
	if (type === 'map' && isObj(spec.values)) return `map<string, ${formatType(spec.values)}>`;
	if (type === 'object' && isObj(spec.properties)) {
		const props = Object.entries(spec.properties as Record<string, unknown>).map(([k, p]) => `${k}: ${isObj(p) ? formatType(p) : 'unknown'}`);
		return `{${props.join(', ')}}`;
	}
	return type;
}

/**
 * One of a signature's JSON strings (MLflow's `Schema.to_json()` / `ParamSchema.to_json()`) as fields; null for
 * null or text that is not such a list.
 */
export function parseSignatureSchema(json: string | null | undefined): SignatureField[] | null {
	if (typeof json !== 'string' || json.trim() === '' || json.trim() === 'null') return null;
	let list: unknown;
	try {
		list = JSON.parse(json);
	} catch {
		return null;
	}
	if (!Array.isArray(list)) return null;
	return list.filter(isObj).map((spec) => {
		const field: SignatureField = {
			name: typeof spec.name === 'string' ? spec.name : null,
			type: formatType(spec),
			required: spec.type === 'tensor' ? true : spec.required !== false
		};
		if (Object.hasOwn(spec, 'default')) field.defaultValue = JSON.stringify(spec.default);
		return field;
	});
}

function readSignature(v: YamlValue | undefined): ModelSignature | null {
	if (!isObj(v)) return null;
	const inputs = parseSignatureSchema(readText(v.inputs));
	const outputs = parseSignatureSchema(readText(v.outputs));
	const params = parseSignatureSchema(readText(v.params));
	if (!inputs && !outputs && !params) return null;
	const tensor = readText(v.inputs)?.includes('"tensor-spec"') ?? false;
	return { inputs, outputs, params, kind: tensor ? 'tensor' : 'columns' };
}

/** Parses an MLmodel file's text; an error for text that is not a YAML mapping. */
export function parseMLmodel(text: string): MLmodelResult {
	const parsed = parseYaml(text);
	if (!parsed.ok) return { ok: false, error: parsed.error };
	const doc = parsed.value;
	if (!isObj(doc)) return { ok: false, error: 'an MLmodel file is a YAML mapping' };
	const flavors = isObj(doc.flavors) ? Object.entries(doc.flavors).map(([name, s]) => ({ name, settings: isObj(s) ? s : {} })) : [];
	const example = isObj(doc.saved_input_example_info) ? doc.saved_input_example_info : null;
	const examplePath = example ? readText(example.artifact_path) : null;
	return {
		ok: true,
		model: {
			flavors,
			signature: readSignature(doc.signature),
			inputExample: examplePath ? { path: examplePath, type: readText(example!.type) ?? '' } : null,
			modelId: readText(doc.model_id),
			runId: readText(doc.run_id),
			artifactPath: readText(doc.artifact_path),
			mlflowVersion: readText(doc.mlflow_version),
			createdAt: readText(doc.utc_time_created)
		}
	};
}

/** The generic flavor every Python model has; listed after the library's own flavors. */
export const PYFUNC_FLAVOR = 'python_function';

/** MLflow's built-in flavor modules that have `mlflow.<flavor>.load_model(model_uri)`. */
const LOADABLE_FLAVORS = new Set([
	'sklearn', 'pytorch', 'tensorflow', 'keras', 'xgboost', 'lightgbm', 'catboost', 'transformers', 'onnx', 'spark',
	'statsmodels', 'prophet', 'h2o', 'spacy', 'fastai', 'paddle', 'pmdarima', 'sentence_transformers', 'langchain',
	'llama_index', 'openai', 'dspy', 'diviner', 'johnsnowlabs', 'promptflow', 'gluon', 'mxnet', 'shap', 'pyfunc'
]);

/** Flavor names for display: the library flavors in file order, then `python_function`. */
export function readFlavorNames(flavors: readonly MLmodelFlavor[]): string[] {
	const names = flavors.map((f) => f.name);
	return [...names.filter((n) => n !== PYFUNC_FLAVOR), ...names.filter((n) => n === PYFUNC_FLAVOR)];
}

/**
 * Python that loads the model at `uri` (e.g. `models:/m-…`): pyfunc always, then each library flavor MLflow
 * can load natively.
 */
export function formatLoadSnippet(uri: string, flavors: readonly string[]): string {
	const lines = ['import mlflow', '', `model = mlflow.pyfunc.load_model(${JSON.stringify(uri)})`];
	for (const f of flavors) {
		if (f === PYFUNC_FLAVOR || !LOADABLE_FLAVORS.has(f)) continue;
		lines.push(`${f}_model = mlflow.${f}.load_model(${JSON.stringify(uri)})`);
	}
	return lines.join('\n');
}
