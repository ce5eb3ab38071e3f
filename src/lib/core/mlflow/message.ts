// MLflow request messages: a GET's query string or a POST's JSON body read as one object, and typed field readers
// with the coercions and error messages of MLflow's handlers (in GET queries ints and bools arrive as strings).
import type { ApiError } from '../errors';
import { invalid } from '../errors';

/** A request message before its fields are read: JSON values, or strings / string lists from a query string. */
export type MlflowMessage = Readonly<Record<string, unknown>>;

const DOCS_HINT = ' See the API docs for more information about request parameters.';

/** Python's name for a JSON value's type, as MLflow's "Hint: Value was of type '…'" prints it. */
function readPythonType(v: unknown): string {
	if (v === null || v === undefined) return 'NoneType';
	if (typeof v === 'string') return 'str';
	if (typeof v === 'boolean') return 'bool';
	if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
	return Array.isArray(v) ? 'list' : 'dict';
}

/** MLflow's message for a required field that is absent or empty. */
export function createMissingValueError(field: string): ApiError {
	return invalid(`Missing value for required parameter '${field}'.${DOCS_HINT}`);
}

/** A JSON value as Python's `json.dumps(v, sort_keys=True, separators=(",", ":"))` writes it (ASCII only). */
export function writePythonJson(v: unknown): string {
	if (v === undefined || v === null) return 'null';
	if (Array.isArray(v)) return `[${v.map(writePythonJson).join(',')}]`;
	if (typeof v === 'object') {
		const keys = Object.keys(v).sort();
		return `{${keys.map((k) => `${writePythonJson(k)}:${writePythonJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
	}
	if (typeof v === 'string') return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	return JSON.stringify(v);
}

/** MLflow's message for a field of the wrong type (`invalid_value` with a type hint). */
export function createInvalidValueError(field: string, value: unknown, why?: string): ApiError {
	const hint = why ?? `Hint: Value was of type '${readPythonType(value)}'.`;
	return invalid(`Invalid value ${writePythonJson(value)} for parameter '${field}' supplied. ${hint}${DOCS_HINT}`);
}

/**
 * A GET request's query as a message. Fields named in `repeated` become string lists (`run_ids=a&run_ids=b`);
 * any other field takes its first value, as Flask's `args.get` does.
 */
export function readQueryMessage(query: URLSearchParams, repeated: readonly string[] = []): MlflowMessage {
	const out: Record<string, unknown> = {};
	for (const key of new Set(query.keys())) {
		out[key] = repeated.includes(key) ? query.getAll(key) : query.get(key);
	}
	return out;
}

/**
 * A POST body (already JSON-parsed) as a message. A JSON string is decoded once more (old clients double-encode,
 * MLflow accepts it); anything but an object is refused.
 */
export function readBodyMessage(body: unknown): MlflowMessage {
	let v = body;
	if (typeof v === 'string') {
		try {
			v = JSON.parse(v);
		} catch {
			throw invalid('The request body must be a JSON object');
		}
	}
	if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid('The request body must be a JSON object');
	return v as MlflowMessage;
}

/** An optional string field; absent or null reads as undefined. `label` names it in errors (`tags[2].key`). */
export function readString(m: MlflowMessage, field: string, label = field): string | undefined {
	const v = m[field];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string') throw createInvalidValueError(label, v);
	return v;
}

/** A required string field; absent, null and "" are all "missing" (proto2 reads them alike). */
export function readRequiredString(m: MlflowMessage, field: string, label = field): string {
	const v = readString(m, field, label);
	if (v === undefined || v === '') throw createMissingValueError(label);
	return v;
}

/** `run_id`, falling back to the legacy `run_uuid` the client also sends; required. */
export function readRunIdField(m: MlflowMessage): string {
	const id = readString(m, 'run_id') || readString(m, 'run_uuid');
	if (!id) throw createMissingValueError('run_id');
	return id;
}

/** An int64 field: a JSON number or a decimal string (GET queries, protobuf JSON), within ±2^53. */
export function readInt(m: MlflowMessage, field: string, label = field): number | undefined {
	const v = m[field];
	if (v === undefined || v === null) return undefined;
	const n = typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : v;
	if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw createInvalidValueError(label, v);
	return n;
}

/** A bool field: JSON true/false, or "true"/"false" in any case (the Python client sends "True"). */
export function readBool(m: MlflowMessage, field: string): boolean | undefined {
	const v = m[field];
	if (v === undefined || v === null) return undefined;
	if (typeof v === 'boolean') return v;
	if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
	throw invalid(`Invalid boolean value: ${String(v)}, must be 'true' or 'false'.`);
}

/**
 * An enum field sent by name (`"FINISHED"`) or by number. `names` lists the values in proto order, numbered from
 * `firstNumber` (1 for RunStatus and ViewType).
 */
export function readEnum<T extends string>(m: MlflowMessage, field: string, names: readonly T[], firstNumber = 1): T | undefined {
	const v = m[field];
	if (v === undefined || v === null) return undefined;
	if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as T;
	const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
	if (typeof n === 'number' && Number.isInteger(n) && n >= firstNumber && n < firstNumber + names.length) return names[n - firstNumber];
	throw createInvalidValueError(field, v, `It must be one of ${names.join(', ')}.`);
}

/** A repeated string field: absent reads as []; a single string (one query occurrence) as a one-item list. */
export function readStringList(m: MlflowMessage, field: string): string[] {
	const v = m[field];
	if (v === undefined || v === null) return [];
	if (typeof v === 'string') return [v];
	if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
	throw createInvalidValueError(field, v);
}

/** A repeated message field: absent reads as []; every item must be a JSON object. */
export function readObjectList(m: MlflowMessage, field: string): MlflowMessage[] {
	const v = m[field];
	if (v === undefined || v === null) return [];
	if (!Array.isArray(v)) throw createInvalidValueError(field, v);
	v.forEach((item, i) => {
		if (item === null || typeof item !== 'object' || Array.isArray(item)) throw createInvalidValueError(`${field}[${i}]`, item);
	});
	return v as MlflowMessage[];
}

/** A nested message field; absent reads as undefined. */
export function readObject(m: MlflowMessage, field: string): MlflowMessage | undefined {
	const v = m[field];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'object' || Array.isArray(v)) throw createInvalidValueError(field, v);
	return v as MlflowMessage;
}
