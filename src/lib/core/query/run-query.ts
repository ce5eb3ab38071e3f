// Tandem's run query language for the UI's filter box: parsed into an AST by recursive descent, with errors that
// point at a column; `~` patterns are RE2's (linear time, see run-query-regex.ts). Example: metrics.loss < 0.1 and (params.optimizer = 'adam' or tags.team ~ 'vision.*') and not status = 'FAILED'
import { lexRunQuery, readNumericText, type RunQueryToken } from './run-query-lexer';
import { compileRunQueryRegex } from './run-query-regex';

export { compileRunQuery, type RunQueryOptions } from './run-query-compile';

/** Run attributes a query can name; `run_name` and `user_id` are accepted as aliases of `name` and `user`. */
export const RUN_QUERY_ATTRIBUTES = [
	'name',
	'status',
	'user',
	'start_time',
	'end_time',
	'duration',
	'run_id',
	'experiment_id',
	'lifecycle',
	'artifact_uri'
] as const;
export type RunQueryAttribute = (typeof RUN_QUERY_ATTRIBUTES)[number];

export const METRIC_AGGREGATES = ['last', 'min', 'max', 'count'] as const;
export type MetricAggregate = (typeof METRIC_AGGREGATES)[number];

/**
 * What a comparison reads. `metrics.loss.min` is `{ key: 'loss', aggregate: 'min', wholeKey: 'loss.min' }`: the
 * minimum of `loss` when the run has that metric, else the latest value of a metric literally named `loss.min`.
 * Backticks make a key exact: metrics.`loss.min`.
 */
export type RunQueryField =
	| { kind: 'param' | 'tag'; key: string }
	| { kind: 'metric'; key: string; aggregate: MetricAggregate; wholeKey: string | null }
	| { kind: 'attribute'; key: RunQueryAttribute };

/** A literal as written (string contents or number text), with the number it spells if any. `at` is a 0-based offset. */
export interface RunQueryValue {
	text: string;
	number: number | null;
	at: number;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type RunQuery =
	| { type: 'all' }
	| { type: 'and' | 'or'; items: RunQuery[] }
	| { type: 'not'; item: RunQuery }
	| { type: 'compare'; field: RunQueryField; op: CompareOp; value: RunQueryValue }
	| { type: 'in'; field: RunQueryField; values: RunQueryValue[]; negated: boolean }
	| { type: 'match'; field: RunQueryField; pattern: string; flags: '' | 'i'; negated: boolean };

export type RunQueryResult = { ok: true; query: RunQuery } | { ok: false; error: string; at: number };

const ENTITIES: Record<string, 'param' | 'metric' | 'tag' | 'attribute'> = {
	params: 'param',
	param: 'param',
	metrics: 'metric',
	metric: 'metric',
	tags: 'tag',
	tag: 'tag',
	attributes: 'attribute',
	attribute: 'attribute',
	attr: 'attribute',
	run: 'attribute'
};
const ATTRIBUTE_ALIASES: Record<string, RunQueryAttribute> = { run_name: 'name', user_id: 'user' };
const COMPARE_OPS = new Set(['=', '!=', '<', '<=', '>', '>=']);

class QueryError extends Error {
	constructor(
		message: string,
		readonly at: number
	) {
		super(message);
	}
}

function found(t: RunQueryToken): string {
	return t.kind === 'end' ? ', found the end of the query' : `, found '${t.text}'`;
}

function readAttribute(name: string): RunQueryAttribute | null {
	if (Object.hasOwn(ATTRIBUTE_ALIASES, name)) return ATTRIBUTE_ALIASES[name];
	return (RUN_QUERY_ATTRIBUTES as readonly string[]).includes(name) ? (name as RunQueryAttribute) : null;
}

function readField(t: Extract<RunQueryToken, { kind: 'ident' }>): RunQueryField {
	const [first, ...rest] = t.parts;
	const entity = Object.hasOwn(ENTITIES, first.text) && !first.quoted ? ENTITIES[first.text] : undefined;
	const unknown = () =>
		new QueryError(
			`unknown field '${t.text}' at column ${t.at + 1}: use params.<key>, metrics.<key>, tags.<key> or one of ${RUN_QUERY_ATTRIBUTES.join(', ')}`,
			t.at
		);
	if (rest.length === 0) {
		if (entity && entity !== 'attribute') throw new QueryError(`expected a key after '${first.text}.' at column ${t.at + t.text.length + 1}`, t.at);
		const attr = readAttribute(first.text);
		if (!attr) throw unknown();
		return { kind: 'attribute', key: attr };
	}
	if (!entity) throw unknown();
	const key = rest.map((p) => p.text).join('.');
	if (entity === 'attribute') {
		const attr = rest.length === 1 ? readAttribute(key) : null;
		if (!attr) throw unknown();
		return { kind: 'attribute', key: attr };
	}
	if (entity !== 'metric') return { kind: entity, key };
	const last = rest[rest.length - 1];
	if (rest.length >= 2 && !last.quoted && (METRIC_AGGREGATES as readonly string[]).includes(last.text)) {
		const base = rest.slice(0, -1).map((p) => p.text).join('.');
		return { kind: 'metric', key: base, aggregate: last.text as MetricAggregate, wholeKey: key };
	}
	return { kind: 'metric', key, aggregate: 'last', wholeKey: null };
}

/** Recursive descent over the tokens: or → and → not → primary (parentheses or one comparison). */
function createParser(tokens: RunQueryToken[]) {
	let i = 0;
	const peek = () => tokens[i];
	const next = () => tokens[i < tokens.length - 1 ? i++ : i]; // the final 'end' token is never passed
	const isWord = (t: RunQueryToken, kw: string, op: string) => (t.kind === 'keyword' && t.value === kw) || (t.kind === 'op' && t.value === op);

	function readValue(after: string): RunQueryValue {
		const t = next();
		if (t.kind === 'string') return { text: t.value, number: readNumericText(t.value), at: t.at };
		if (t.kind === 'number') return { text: t.text, number: t.value, at: t.at };
		const hint = t.kind === 'ident' ? `; quote text, e.g. '${t.text}'` : found(t);
		throw new QueryError(`expected a value after '${after}' at column ${t.at + 1}${hint}`, t.at);
	}

	function parseComparison(): RunQuery {
		const t = next();
		if (t.kind !== 'ident') {
			throw new QueryError(`expected a field such as metrics.loss, params.lr, tags.team or status at column ${t.at + 1}${found(t)}`, t.at);
		}
		const field = readField(t);
		const op = next();
		let negated = false;
		if (op.kind === 'keyword' && op.value === 'not' && peek().kind === 'keyword' && peek().text.toLowerCase() === 'in') {
			negated = true;
			next();
		} else if (op.kind === 'op' && COMPARE_OPS.has(op.value)) {
			return { type: 'compare', field, op: op.value as CompareOp, value: readValue(op.text) };
		} else if (op.kind === 'op' && (op.value === '~' || op.value === '!~')) {
			const v = readValue(op.text);
			const flags = v.text.startsWith('(?i)') ? 'i' : '';
			const pattern = flags ? v.text.slice(4) : v.text;
			const compiled = compileRunQueryRegex(pattern, flags === 'i');
			if (!compiled.ok) throw new QueryError(`invalid regular expression at column ${v.at + 1}: ${compiled.error}`, v.at);
			return { type: 'match', field, pattern, flags, negated: op.value === '!~' };
		} else if (!(op.kind === 'keyword' && op.value === 'in')) {
			throw new QueryError(`expected a comparison (=, !=, <, <=, >, >=, ~, !~, in) after '${t.text}' at column ${op.at + 1}${found(op)}`, op.at);
		}
		const open = next();
		if (!(open.kind === 'punct' && open.value === '(')) throw new QueryError(`expected '(' after 'in' at column ${open.at + 1}${found(open)}`, open.at);
		const values = [readValue('(')];
		for (;;) {
			const sep = next();
			if (sep.kind === 'punct' && sep.value === ')') break;
			if (!(sep.kind === 'punct' && sep.value === ',')) throw new QueryError(`expected ',' or ')' in the list at column ${sep.at + 1}${found(sep)}`, sep.at);
			values.push(readValue(','));
		}
		return { type: 'in', field, values, negated };
	}

	function parsePrimary(): RunQuery {
		const t = peek();
		if (!(t.kind === 'punct' && t.value === '(')) return parseComparison();
		next();
		const inner = parseOr();
		const close = next();
		if (!(close.kind === 'punct' && close.value === ')')) {
			throw new QueryError(`expected ')' to close the '(' at column ${t.at + 1}, at column ${close.at + 1}${found(close)}`, close.at);
		}
		return inner;
	}

	function parseNot(): RunQuery {
		if (isWord(peek(), 'not', '!')) {
			next();
			return { type: 'not', item: parseNot() };
		}
		return parsePrimary();
	}

	function parseList(type: 'and' | 'or', item: () => RunQuery, op: string): RunQuery {
		const items = [item()];
		while (isWord(peek(), type, op)) {
			next();
			items.push(item());
		}
		return items.length === 1 ? items[0] : { type, items };
	}

	function parseAnd(): RunQuery {
		return parseList('and', parseNot, '&&');
	}

	function parseOr(): RunQuery {
		return parseList('or', parseAnd, '||');
	}

	function parseQuery(): RunQuery {
		const query = parseOr();
		const t = peek();
		if (t.kind !== 'end') {
			const what = t.kind === 'punct' && t.value === ')' ? `unexpected ')' at column ${t.at + 1}` : `expected 'and', 'or' or the end of the query at column ${t.at + 1}${found(t)}`;
			throw new QueryError(what, t.at);
		}
		return query;
	}

	return { parseQuery };
}

/**
 * Parses a run query. Empty (or blank) → `{ type: 'all' }`. Keywords and/or/not/in are case-insensitive (also
 * && || !); `not` binds tighter than `and`, which binds tighter than `or`. On error, `at` is the 0-based offset
 * the message's column points at.
 */
export function parseRunQuery(src: string): RunQueryResult {
	const lexed = lexRunQuery(src);
	if (!lexed.ok) return lexed;
	if (lexed.tokens.length === 1) return { ok: true, query: { type: 'all' } };
	try {
		return { ok: true, query: createParser(lexed.tokens).parseQuery() };
	} catch (e) {
		if (e instanceof QueryError) return { ok: false, error: e.message, at: e.at };
		throw e;
	}
}
