// MLflow request messages: a GET's query string or a POST's JSON body read as one object, and typed field readers
// with the coercions and error messages of MLflow's handlers (in GET queries ints and bools arrive as strings).
import type { ApiError } from '../errors';
import { invalid } from '../errors';
import { isJsonTooDeep, MAX_JSON_DEPTH } from '../json-depth';
import { parsePythonJson, readPythonType, writePythonJson } from './python-json';

/** A request message before its fields are read: JSON values, or strings / string lists from a query string. */
export type MlflowMessage = Readonly<Record<string, unknown>>;

const DOCS_HINT = ' See the API docs for more information about request parameters.';

/** MLflow's message for a required field that is absent or empty. */
export function createMissingValueError(field: string): ApiError {
	return invalid(`Missing value for required parameter '${field}'.${DOCS_HINT}`);
}

/** MLflow's message for a field of the wrong type (`invalid_value` with a type hint). */
export function createInvalidValueError(field: string, value: unknown, why?: string): ApiError {
	const hint = why ?? `Hint: Value was of type '${readPythonType(value)}'.`;
	return invalid(`Invalid value ${writePythonJson(value)} for parameter '${field}' supplied. ${hint}${DOCS_HINT}`);
}

/** Where a body message keeps the JSON text it was parsed from (not enumerable: never listed nor serialised). */
const BODY_TEXT = Symbol('body text');

/**
 * createInvalidValueError for field `field` of message `m`, its value printed as Python prints it: when `m` is a
 * request body that kept its text, the value is re-read from it, so `9.0` stays a float.
 */
export function createInvalidFieldError(m: MlflowMessage, field: string, label = field, why?: string): ApiError {
	const text = (m as { [BODY_TEXT]?: string })[BODY_TEXT];
	let value: unknown = m[field];
	if (text !== undefined) {
		try {
			value = (parsePythonJson(text) as Record<string, unknown>)[field];
		} catch {
			// Parsed by JSON.parse already, so this cannot happen; the JavaScript value is printed then.
		}
	}
	return createInvalidValueError(label, value, why);
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
 * MLflow accepts it); anything but an object is refused. `text`, the body as sent, is kept for error messages.
 */
export function readBodyMessage(body: unknown, text?: string): MlflowMessage {
	let v = body;
	if (typeof v === 'string') {
		if (isJsonTooDeep(v)) throw invalid(`The request body nests deeper than ${MAX_JSON_DEPTH} levels`);
		try {
			v = JSON.parse(v);
		} catch {
			throw invalid('The request body must be a JSON object');
		}
	}
	if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid('The request body must be a JSON object');
	if (text !== undefined && v === body) Object.defineProperty(v, BODY_TEXT, { value: text });
	return v as MlflowMessage;
}

/** An optional string field; absent or null reads as undefined. `label` names it in errors (`tags[2].key`). */
export function readString(m: MlflowMessage, field: string, label = field): string | undefined {
	const v = m[field];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string') throw createInvalidFieldError(m, field, label);
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
	if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw createInvalidFieldError(m, field, label);
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
	throw createInvalidFieldError(m, field, field, `It must be one of ${names.join(', ')}.`);
}

/** A repeated string field: absent reads as []; a single string (one query occurrence) as a one-item list. */
export function readStringList(m: MlflowMessage, field: string): string[] {
	const v = m[field];
	if (v === undefined || v === null) return [];
	if (typeof v === 'string') return [v];
	if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
	throw createInvalidFieldError(m, field);
}

/** A repeated message field: absent reads as []; every item must be a JSON object. */
export function readObjectList(m: MlflowMessage, field: string): MlflowMessage[] {
	const v = m[field];
	if (v === undefined || v === null) return [];
	if (!Array.isArray(v)) throw createInvalidFieldError(m, field);
	v.forEach((item, i) => {
		if (item === null || typeof item !== 'object' || Array.isArray(item)) throw createInvalidValueError(`${field}[${i}]`, item);
	});
	return v as MlflowMessage[];
}

/** A nested message field; absent reads as undefined. */
export function readObject(m: MlflowMessage, field: string): MlflowMessage | undefined {
	const v = m[field];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'object' || Array.isArray(v)) throw createInvalidFieldError(m, field);
	return v as MlflowMessage;
}
