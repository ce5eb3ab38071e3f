// Field validators shared by every API parser: each takes an untrusted value and returns it typed, or throws an
// ApiError(INVALID_PARAMETER_VALUE) naming the field. Limits follow MLflow's (mlflow/utils/validation.py).
import { invalid } from './errors';
import { isValidKey } from './schema';

export const LIMITS = {
	keyLength: 250,
	paramValueLength: 6000,
	tagValueLength: 8000,
	nameLength: 500,
	/** a run's name (MLflow's `runs.name` column) and its user (`runs.user_id`) */
	runNameLength: 250,
	userLength: 256,
	/** native ingest: points per request */
	metricsPerBatch: 100_000,
	paramsPerBatch: 1000,
	tagsPerBatch: 1000
} as const;

export type Json = Record<string, unknown>;

export function readObject(v: unknown, field = 'request body'): Json {
	if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(`${field} must be a JSON object`);
	return v as Json;
}

export function readOptionalString(o: Json, field: string, maxLength: number = LIMITS.nameLength): string | undefined {
	const v = o[field];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string') throw invalid(`'${field}' must be a string, got ${typeof v}`);
	if (v.length > maxLength) throw invalid(`'${field}' is ${v.length} characters long; the limit is ${maxLength}`);
	return v;
}

export function readRequiredString(o: Json, field: string, maxLength: number = LIMITS.nameLength): string {
	const v = readOptionalString(o, field, maxLength);
	if (v === undefined || v === '') throw invalid(`Missing value for required parameter '${field}'`);
	return v;
}

/** An integer (ms timestamps, steps) given as a JSON number or a decimal string, within ±2^53. */
export function readOptionalInt(o: Json, field: string): number | undefined {
	const v = o[field];
	if (v === undefined || v === null) return undefined;
	const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
	if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid(`'${field}' must be an integer, got ${JSON.stringify(v)}`);
	return n;
}

/** A float64 metric value: a JSON number, or "NaN" / "Infinity" / "-Infinity" (MLflow's JSON for non-finite). */
export function readMetricValue(v: unknown, field: string): number {
	if (typeof v === 'number') return v;
	if (v === 'NaN' || v === 'nan') return NaN;
	if (v === 'Infinity' || v === 'inf') return Infinity;
	if (v === '-Infinity' || v === '-inf') return -Infinity;
	if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
	throw invalid(`${field} must be a number (or "NaN", "Infinity", "-Infinity"), got ${JSON.stringify(v)}`);
}

export function checkKey(key: unknown, what: string): string {
	if (typeof key !== 'string' || key === '') throw invalid(`${what} key must be a non-empty string`);
	if (key.length > LIMITS.keyLength) throw invalid(`${what} key '${key.slice(0, 40)}…' exceeds the maximum length of ${LIMITS.keyLength}`);
	if (!isValidKey(key)) {
		throw invalid(`Invalid ${what} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/), and may not contain '..' segments or start with '/'`);
	}
	return key;
}

function checkValue(v: unknown, what: string, key: string, max: number): string {
	const s = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
	if (typeof s !== 'string') throw invalid(`${what} '${key}' must have a string value, got ${JSON.stringify(v)}`);
	if (s.length > max) throw invalid(`${what} '${key}' has a value of length ${s.length}, which exceeds the limit of ${max}`);
	return s;
}

/** `{k: v}` or `[{key, value}]` (MLflow's shape) into a checked record; numbers and booleans become strings. */
export function readKeyValues(raw: unknown, what: 'Param' | 'Tag', maxCount: number): Record<string, string> {
	const out: Record<string, string> = {};
	if (raw === undefined || raw === null) return out;
	const max = what === 'Param' ? LIMITS.paramValueLength : LIMITS.tagValueLength;
	const entries: [unknown, unknown][] = Array.isArray(raw)
		? raw.map((e, i) => {
				const o = readObject(e, `${what.toLowerCase()}s[${i}]`);
				return [o.key, o.value];
			})
		: Object.entries(readObject(raw, `${what.toLowerCase()}s`));
	if (entries.length > maxCount) throw invalid(`A batch may contain at most ${maxCount} ${what.toLowerCase()}s, got ${entries.length}`);
	for (const [k, v] of entries) {
		const key = checkKey(k, what);
		const value = checkValue(v, what, key, max);
		if (what === 'Param' && key in out && out[key] !== value) {
			throw invalid(`Duplicate param key '${key}' with different values in one batch`);
		}
		out[key] = value;
	}
	return out;
}
