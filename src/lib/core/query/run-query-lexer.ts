// Tokenizer of Tandem's run query language (see run-query.ts). Positions are 0-based offsets into the source;
// messages print them as 1-based columns.

export type RunQueryToken =
	| { kind: 'ident'; parts: { text: string; quoted: boolean }[]; text: string; at: number }
	| { kind: 'string'; value: string; text: string; at: number }
	| { kind: 'number'; value: number; text: string; at: number }
	| { kind: 'keyword'; value: 'and' | 'or' | 'not' | 'in'; text: string; at: number }
	| { kind: 'op'; value: RunQueryOp; text: string; at: number }
	| { kind: 'punct'; value: '(' | ')' | ','; text: string; at: number }
	| { kind: 'end'; text: ''; at: number };

export type RunQueryOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~' | '&&' | '||' | '!';

export type LexedRunQuery = { ok: true; tokens: RunQueryToken[] } | { ok: false; error: string; at: number };

const KEYWORDS = new Map<string, 'and' | 'or' | 'not' | 'in'>([
	['and', 'and'],
	['or', 'or'],
	['not', 'not'],
	['in', 'in']
]);
const OPS: [string, RunQueryOp][] = [
	['!=', '!='],
	['!~', '!~'],
	['<=', '<='],
	['>=', '>='],
	['==', '='],
	['&&', '&&'],
	['||', '||'],
	['=', '='],
	['<', '<'],
	['>', '>'],
	['~', '~'],
	['!', '!']
];
const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\p{L}\p{N}_])/uy;
const WORD_START = /[\p{L}_]/u;
const WORD = /[\p{L}\p{N}_\-/:]/u;

/**
 * Quoted text: 'single' or "double"; a doubled quote stands for itself ('it''s'); backslashes are literal,
 * so regular expressions need no double escaping. Returns the end offset (past the quote) or -1.
 */
function readQuoted(src: string, at: number): { value: string; end: number } | null {
	const q = src[at];
	let value = '';
	let i = at + 1;
	while (i < src.length) {
		if (src[i] === q) {
			if (src[i + 1] !== q) return { value, end: i + 1 };
			value += q;
			i += 2;
		} else value += src[i++];
	}
	return null;
}

function readIdent(src: string, at: number): { parts: { text: string; quoted: boolean }[]; end: number } | { error: string; at: number } {
	const parts: { text: string; quoted: boolean }[] = [];
	let i = at;
	for (;;) {
		const c = src[i];
		if (c === '`' || (parts.length > 0 && c === '"')) {
			const close = src.indexOf(c, i + 1);
			if (close < 0) return { error: `unterminated ${c} quote starting at column ${i + 1}`, at: i };
			parts.push({ text: src.slice(i + 1, close), quoted: true });
			i = close + 1;
		} else if (c !== undefined && (parts.length > 0 ? WORD.test(c) : WORD_START.test(c))) {
			const start = i;
			while (i < src.length && WORD.test(src[i])) i++;
			parts.push({ text: src.slice(start, i), quoted: false });
		} else return { error: `expected a key after '.' at column ${i + 1}`, at: i };
		if (src[i] !== '.') return { parts, end: i };
		i++;
	}
}

export function lexRunQuery(src: string): LexedRunQuery {
	const tokens: RunQueryToken[] = [];
	let i = 0;
	while (i < src.length) {
		const c = src[i];
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		const at = i;
		if (c === "'" || c === '"') {
			const q = readQuoted(src, i);
			if (!q) return { ok: false, error: `unterminated string starting at column ${at + 1}`, at };
			tokens.push({ kind: 'string', value: q.value, text: src.slice(at, q.end), at });
			i = q.end;
			continue;
		}
		if (c === '(' || c === ')' || c === ',') {
			tokens.push({ kind: 'punct', value: c, text: c, at });
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
		const op = OPS.find(([o]) => src.startsWith(o, i));
		if (op) {
			tokens.push({ kind: 'op', value: op[1], text: op[0], at });
			i += op[0].length;
			continue;
		}
		if (c === '`' || WORD_START.test(c)) {
			const r = readIdent(src, i);
			if ('error' in r) return { ok: false, error: r.error, at: r.at };
			const text = src.slice(at, r.end);
			const keyword = r.parts.length === 1 && !r.parts[0].quoted ? KEYWORDS.get(text.toLowerCase()) : undefined;
			if (keyword) tokens.push({ kind: 'keyword', value: keyword, text, at });
			else tokens.push({ kind: 'ident', parts: r.parts, text, at });
			i = r.end;
			continue;
		}
		return { ok: false, error: `unexpected character '${c}' at column ${at + 1}`, at };
	}
	tokens.push({ kind: 'end', text: '', at: src.length });
	return { ok: true, tokens };
}

const NUMERIC_TEXT = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** The number a text spells ("0.001", "1e-3", " 42 "), or null; no hex, no empty string, no "Infinity". */
export function readNumericText(s: string): number | null {
	return NUMERIC_TEXT.test(s) ? Number(s) : null;
}
