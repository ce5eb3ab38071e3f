// Compiles a parsed run query (run-query.ts) into one predicate over RunRows: closures built once, so filtering
// a table re-runs no parsing, no regex compilation and no field lookup by name.
import type { RunRow } from '../run-row';
import type { CompareOp, RunQuery, RunQueryField, RunQueryValue } from './run-query';
import { readNumericText } from './run-query-lexer';
import { compileRunQueryRegex } from './run-query-regex';

export interface RunQueryOptions {
	/** ms since the epoch; when given, a run without an end time has duration `now - start_time`. */
	now?: number;
}

type Scalar = string | number | undefined;
type Read = (row: RunRow) => Scalar;
type Test = (row: RunRow) => boolean;

function readOwn<T>(map: Record<string, T>, key: string): T | undefined {
	return Object.hasOwn(map, key) ? map[key] : undefined;
}

function createReader(field: RunQueryField, opts: RunQueryOptions): Read {
	const { key } = field;
	switch (field.kind) {
		case 'param':
			return (row) => readOwn(row.params, key);
		case 'tag':
			return (row) => readOwn(row.tags, key);
		case 'metric': {
			const { aggregate, wholeKey } = field;
			if (wholeKey === null) return (row) => readOwn(row.metrics, key)?.last;
			return (row) => {
				const m = readOwn(row.metrics, key);
				return m ? m[aggregate] : readOwn(row.metrics, wholeKey)?.last;
			};
		}
		case 'attribute':
			switch (field.key) {
				case 'end_time':
					return (row) => row.end_time ?? undefined;
				case 'duration': {
					const now = opts.now;
					return (row) => (row.end_time !== null ? row.end_time - row.start_time : now !== undefined ? now - row.start_time : undefined);
				}
				case 'name':
				case 'status':
				case 'user':
				case 'start_time':
				case 'run_id':
				case 'experiment_id':
				case 'artifact_uri':
				case 'lifecycle': {
					const k = field.key;
					return (row) => row[k];
				}
			}
	}
}

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Literal conventions per attribute: status is upper-cased ('failed' = 'FAILED'); start_time / end_time accept ISO
 * dates ('2024-05-01', '2024-05-01T12:00Z'); duration accepts '90s', '5m', '2h', '1d' besides milliseconds.
 */
function normalizeValue(field: RunQueryField, v: RunQueryValue): RunQueryValue {
	if (field.kind !== 'attribute' || v.number !== null) return v;
	if (field.key === 'status') return { ...v, text: v.text.toUpperCase() };
	if ((field.key === 'start_time' || field.key === 'end_time') && ISO_DATE.test(v.text)) {
		const ms = Date.parse(v.text);
		if (Number.isFinite(ms)) return { ...v, number: ms };
	}
	const d = field.key === 'duration' ? DURATION.exec(v.text) : null;
	if (d) return { ...v, number: Number(d[1]) * DURATION_MS[d[2]] };
	return v;
}

function createOrderTest<T extends number | string>(op: CompareOp, b: T): (a: T) => boolean {
	switch (op) {
		case '=':
			return (a) => a === b;
		case '!=':
			return (a) => a !== b;
		case '<':
			return (a) => a < b;
		case '<=':
			return (a) => a <= b;
		case '>':
			return (a) => a > b;
		case '>=':
			return (a) => a >= b;
	}
}

/** Numbers compare numerically when both sides spell numbers, otherwise both sides compare as strings. */
function createCompare(read: Read, op: CompareOp, v: RunQueryValue): Test {
	const num = v.number;
	const text = v.text;
	const byText = createOrderTest(op, text);
	if (num === null) return (row) => {
		const x = read(row);
		return x !== undefined && byText(typeof x === 'number' ? String(x) : x);
	};
	const byNumber = createOrderTest(op, num);
	return (row) => {
		const x = read(row);
		if (x === undefined) return false;
		if (typeof x === 'number') return byNumber(x);
		const n = readNumericText(x);
		return n !== null ? byNumber(n) : byText(x);
	};
}

function createIn(read: Read, values: RunQueryValue[], negated: boolean): Test {
	const numbers = new Set<number>();
	const numberTexts = new Set<string>();
	const texts = new Set<string>();
	for (const v of values) {
		if (v.number !== null) {
			numbers.add(v.number);
			numberTexts.add(v.text);
		} else texts.add(v.text);
	}
	return (row) => {
		const x = read(row);
		if (x === undefined) return false;
		const n = typeof x === 'number' ? x : readNumericText(x);
		const s = typeof x === 'number' ? String(x) : x;
		const found = n !== null ? numbers.has(n) || texts.has(s) : texts.has(s) || numberTexts.has(s);
		return found !== negated;
	};
}

function compileNode(q: RunQuery, opts: RunQueryOptions): Test {
	switch (q.type) {
		case 'all':
			return () => true;
		case 'not': {
			const inner = compileNode(q.item, opts);
			return (row) => !inner(row);
		}
		case 'and':
		case 'or': {
			const items = q.items.map((item) => compileNode(item, opts));
			if (q.type === 'and') return (row) => items.every((t) => t(row));
			return (row) => items.some((t) => t(row));
		}
		case 'compare':
			return createCompare(createReader(q.field, opts), q.op, normalizeValue(q.field, q.value));
		case 'in':
			return createIn(
				createReader(q.field, opts),
				q.values.map((v) => normalizeValue(q.field, v)),
				q.negated
			);
		case 'match': {
			const read = createReader(q.field, opts);
			const compiled = compileRunQueryRegex(q.pattern, q.flags === 'i');
			// parseRunQuery refuses such a pattern; a hand-built query with one matches no run.
			if (!compiled.ok) return () => false;
			const test = compiled.test;
			const negated = q.negated;
			return (row) => {
				const x = read(row);
				return x !== undefined && test(typeof x === 'number' ? String(x) : x) !== negated;
			};
		}
	}
}

/**
 * One predicate for a parsed query. A run lacking the param / tag / metric a comparison reads does not match it
 * (`!=`, `not in` and `!~` included); wrap it in `not (…)` to select such runs. Metrics read the latest value
 * unless `.min` / `.max` / `.count` / `.last` says otherwise.
 */
export function compileRunQuery(query: RunQuery, opts: RunQueryOptions = {}): (row: RunRow) => boolean {
	return compileNode(query, opts);
}
