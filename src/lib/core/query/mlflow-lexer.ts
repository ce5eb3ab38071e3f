// The shared front end of MLflow's search grammar (runs, experiments, order_by): a tokenizer and a reader of
// `identifier comparator value` clauses joined by AND, modelled on how `search_utils.py` reads sqlparse tokens.

export interface IdentPart {
	/** The part without its quotes. */
	text: string;
	/** The part as written, quotes included. */
	raw: string;
	quote: '' | '"' | '`';
}

export type MlflowToken =
	| { kind: 'ident'; parts: IdentPart[]; text: string; at: number }
	| { kind: 'string'; value: string; text: string; at: number }
	| { kind: 'number'; value: number; text: string; at: number }
	| { kind: 'keyword'; value: string; text: string; at: number }
	| { kind: 'op'; value: string; text: string; at: number }
	| { kind: 'punct'; value: '(' | ')' | ',' | ';'; text: string; at: number };

/** A value on the right of a comparator, before it is checked against what the identifier accepts. */
export type MlflowRawValue =
	| { kind: 'string'; value: string; text: string }
	| { kind: 'number'; value: number; text: string }
	| { kind: 'ident'; quoted: boolean; value: string; text: string }
	| { kind: 'list'; items: MlflowRawValue[]; text: string };

export interface MlflowRawComparison {
	/** The entity as written before the first dot (`metrics`, `tags`, …), or null for a bare key. */
	entity: string | null;
	/** The key after the first dot, with MLflow's quote stripping applied. */
	key: string;
	/** Upper-cased: = != < <= > >= LIKE ILIKE IN NOT IN (or whatever else was written, for the caller to reject). */
	comparator: string;
	value: MlflowRawValue;
	text: string;
}

export type LexResult = { ok: true; tokens: MlflowToken[] } | { ok: false; error: string };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'IS', 'NULL']);
const WORD = /[\p{L}\p{N}_]/u;
const WORD_START = /[\p{L}_]/u;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\p{L}\p{N}_])/uy;
const OPS = ['!=', '<>', '<=', '>=', '==', '=', '<', '>'];

function readQuoted(src: string, at: number, q: string): number {
	// Returns the index just past the closing quote, or -1. A doubled quote or a backslash escapes it (sqlparse).
	let i = at + 1;
	while (i < src.length) {
		const c = src[i];
		if (c === '\\' && q !== '`') i += 2;
		else if (c === q && src[i + 1] === q) i += 2;
		else if (c === q) return i + 1;
		else i++;
	}
	return -1;
}

function readPart(src: string, at: number): { part: IdentPart; end: number } | string | null {
	const c = src[at];
	if (c === '"' || c === '`') {
		const end = readQuoted(src, at, c);
		if (end < 0) return `unterminated ${c} quote at position ${at + 1}`;
		const raw = src.slice(at, end);
		return { part: { text: raw.slice(1, -1), raw, quote: c }, end };
	}
	if (c === undefined || !WORD.test(c)) return null;
	let end = at + 1;
	while (end < src.length && WORD.test(src[end])) end++;
	const raw = src.slice(at, end);
	return { part: { text: raw, raw, quote: '' }, end };
}

/** Splits a filter or order_by string into tokens; positions in errors are 1-based. */
export function lexMlflow(src: string): LexResult {
	const tokens: MlflowToken[] = [];
	let i = 0;
	while (i < src.length) {
		const c = src[i];
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		const at = i;
		if (c === "'") {
			const end = readQuoted(src, i, "'");
			if (end < 0) return { ok: false, error: `unterminated ' quote at position ${at + 1}` };
			const text = src.slice(at, end);
			tokens.push({ kind: 'string', value: text.slice(1, -1), text, at });
			i = end;
			continue;
		}
		if ('(),;'.includes(c)) {
			tokens.push({ kind: 'punct', value: c as '(' | ')' | ',' | ';', text: c, at });
			i++;
			continue;
		}
		NUMBER.lastIndex = i;
		const num = NUMBER.exec(src);
		if (num) {
			tokens.push({ kind: 'number', value: Number(num[0]), text: num[0], at });
			i += num[0].length;
			continue;
		}
		const op = OPS.find((o) => src.startsWith(o, i));
		if (op) {
			tokens.push({ kind: 'op', value: op, text: op, at });
			i += op.length;
			continue;
		}
		if (c === '"' || c === '`' || WORD_START.test(c)) {
			const parts: IdentPart[] = [];
			for (;;) {
				const r = readPart(src, i);
				if (typeof r === 'string') return { ok: false, error: r };
				if (!r) return { ok: false, error: `expected a key after '.' at position ${i + 1}` };
				parts.push(r.part);
				i = r.end;
				if (src[i] !== '.') break;
				i++;
			}
			const text = src.slice(at, i);
			const upper = text.toUpperCase();
			if (parts.length === 1 && parts[0].quote === '' && KEYWORDS.has(upper)) {
				tokens.push({ kind: 'keyword', value: upper, text, at });
			} else tokens.push({ kind: 'ident', parts, text, at });
			continue;
		}
		return {
			ok: false,
			error: `unexpected '${c}' at position ${at + 1}; quote keys that contain special characters, e.g. metrics.\`my-key\``
		};
	}
	return { ok: true, tokens };
}

function stripQuotes(s: string): string {
	if (s.length >= 2 && (s[0] === "'" || s[0] === '"') && s[s.length - 1] === s[0]) return s.slice(1, -1);
	return s;
}

function trimBackticks(s: string): string {
	return s.length >= 2 && s[0] === '`' && s[s.length - 1] === '`' ? s.slice(1, -1) : s;
}

/**
 * MLflow's `_get_identifier` split: the entity is the text before the first dot; the key is the rest with quotes
 * and then backticks stripped (`tags.mlflow.runName` → key `mlflow.runName`). A lone part is a bare attribute key.
 */
export function splitIdentifier(parts: IdentPart[]): { entity: string | null; key: string } {
	if (parts.length === 1) return { entity: null, key: parts[0].text };
	const rest = parts.slice(1);
	const key = rest.length === 1 ? rest[0].text : trimBackticks(stripQuotes(rest.map((p) => p.raw).join('.')));
	return { entity: parts[0].text, key };
}

type ReadResult<T> = { ok: true; value: T } | { ok: false; error: string };

function readValue(tokens: MlflowToken[], i: number, src: string): ReadResult<{ value: MlflowRawValue; next: number }> {
	const t = tokens[i];
	if (!t) return { ok: false, error: 'Invalid comparison clause: expected a value at the end of the filter' };
	if (t.kind === 'string' || t.kind === 'number') return { ok: true, value: { value: t, next: i + 1 } };
	if (t.kind === 'ident') {
		const quoted = t.parts.length === 1 && t.parts[0].quote === '"';
		return { ok: true, value: { value: { kind: 'ident', quoted, value: quoted ? t.parts[0].text : t.text, text: t.text }, next: i + 1 } };
	}
	if (t.kind === 'punct' && t.value === '(') {
		const items: MlflowRawValue[] = [];
		let j = i + 1;
		while (tokens[j] && !(tokens[j].kind === 'punct' && tokens[j].text === ')')) {
			if (items.length > 0) {
				if (!(tokens[j].kind === 'punct' && tokens[j].text === ',')) break;
				j++;
			}
			const item = readValue(tokens, j, src);
			if (!item.ok) return item;
			if (item.value.value.kind === 'list') break;
			items.push(item.value.value);
			j = item.value.next;
		}
		const close = tokens[j];
		if (!close || close.kind !== 'punct' || close.text !== ')') {
			return {
				ok: false,
				error: 'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.'
			};
		}
		const text = src.slice(t.at, close.at + 1);
		return { ok: true, value: { value: { kind: 'list', items, text }, next: j + 1 } };
	}
	return { ok: false, error: `Invalid comparison clause. Expected value token found '${t.text}'` };
}

function isKeyword(t: MlflowToken | undefined, word: string): boolean {
	return t !== undefined && t.kind === 'keyword' && t.value === word;
}

/**
 * Reads `ident comparator value (AND ident comparator value)*`. An empty or blank filter gives no clauses.
 * OR, parentheses and anything else between clauses are rejected as MLflow does ("Invalid clause(s) …").
 */
export function readMlflowComparisons(src: string): ReadResult<MlflowRawComparison[]> {
	const lexed = lexMlflow(src);
	if (!lexed.ok) return { ok: false, error: `Error on parsing filter '${src}': ${lexed.error}` };
	const tokens = lexed.tokens;
	if (tokens.some((t) => t.kind === 'punct' && t.value === ';')) {
		return { ok: false, error: `Search filter contained multiple expression '${src}'. Provide AND-ed expression list.` };
	}
	const out: MlflowRawComparison[] = [];
	let i = 0;
	while (i < tokens.length) {
		if (out.length > 0) {
			if (!isKeyword(tokens[i], 'AND')) return invalidClauses(src, tokens[i]);
			i++;
		}
		const ident = tokens[i];
		if (!ident || ident.kind !== 'ident') return invalidClauses(src, ident ?? tokens[i - 1]);
		let j = i + 1;
		let comparator: string;
		const c = tokens[j];
		if (c && c.kind === 'op') comparator = c.value;
		else if (isKeyword(c, 'NOT') && isKeyword(tokens[j + 1], 'IN')) {
			comparator = 'NOT IN';
			j++;
		} else if (c && c.kind === 'keyword' && c.value !== 'AND' && c.value !== 'OR') comparator = c.value;
		else {
			const found = c ? `'${c.text}'` : 'the end of the filter';
			return { ok: false, error: `Invalid comparison clause '${src.slice(ident.at).trim()}'. Expected comparison after '${ident.text}', found ${found}` };
		}
		const v = readValue(tokens, j + 1, src);
		if (!v.ok) return v;
		const end = tokens[v.value.next - 1];
		const { entity, key } = splitIdentifier(ident.parts);
		out.push({ entity, key, comparator, value: v.value.value, text: src.slice(ident.at, end.at + end.text.length) });
		i = v.value.next;
	}
	return { ok: true, value: out };
}

function invalidClauses(src: string, t: MlflowToken): { ok: false; error: string } {
	return {
		ok: false,
		error: `Invalid clause(s) in filter string: '${src.slice(t.at).trim()}'. Only comparisons joined by AND are supported (no OR or parentheses).`
	};
}

/** Reads one order_by item: `identifier [ASC|DESC]`; the key keeps no quotes (MLflow runs it through shlex). */
export function readMlflowOrderItem(item: string): ReadResult<{ entity: string | null; key: string; ascending: boolean }> {
	const fail = { ok: false as const, error: `Invalid order_by clause '${item}'. Could not be parsed.` };
	const lexed = lexMlflow(item);
	if (!lexed.ok) return fail;
	const [ident, dir, ...rest] = lexed.tokens;
	if (!ident || ident.kind !== 'ident' || rest.length > 0) return fail;
	let ascending = true;
	if (dir) {
		const d = dir.text.toLowerCase();
		if (dir.kind !== 'ident' || (d !== 'asc' && d !== 'desc')) {
			return { ok: false, error: `Invalid ordering key in order_by clause '${item}'.` };
		}
		ascending = d === 'asc';
	}
	const parts = ident.parts;
	if (parts.length === 1) return { ok: true, value: { entity: null, key: parts[0].text, ascending } };
	return { ok: true, value: { entity: parts[0].text, key: parts.slice(1).map((p) => p.text).join('.'), ascending } };
}
