// The block-style YAML that MLflow writes (PyYAML `safe_dump`: MLmodel, python_env.yaml, conda.yaml) read into
// plain values: nested mappings and `- ` sequences by indentation, plain and quoted scalars (folded over lines, as
// PyYAML wraps long strings), `{}`/`[]` and simple one-line flow collections, comments. Not a general YAML parser.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

export type YamlResult = { ok: true; value: YamlValue } | { ok: false; error: string };

interface Line {
	indent: number;
	text: string;
	/** 1-based line number in the source */
	no: number;
}

class YamlError extends Error {}

/** Drops a ` #` comment outside quotes. */
function stripComment(s: string): string {
	let quote: string | null = null;
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (quote) {
			if (c === quote) quote = null;
		} else if (c === "'" || c === '"') quote = c;
		else if (c === '#' && (i === 0 || s[i - 1] === ' ' || s[i - 1] === '\t')) return s.slice(0, i).trimEnd();
	}
	return s.trimEnd();
}

function splitFlow(body: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let quote: string | null = null;
	let start = 0;
	for (let i = 0; i < body.length; i++) {
		const c = body[i];
		if (quote) {
			if (c === quote) quote = null;
		} else if (c === "'" || c === '"') quote = c;
		else if (c === '[' || c === '{') depth++;
		else if (c === ']' || c === '}') depth--;
		else if (c === ',' && depth === 0) {
			parts.push(body.slice(start, i).trim());
			start = i + 1;
		}
	}
	const last = body.slice(start).trim();
	if (last !== '' || parts.length > 0) parts.push(last);
	return parts.filter((p) => p !== '');
}

function readDoubleQuoted(body: string): string {
	return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
		if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
		return ({ n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', '\\': '\\', '/': '/', ' ': ' ' } as Record<string, string>)[e] ?? e;
	});
}

/** A scalar or one-line flow collection, as written after `key: ` or `- ` (quoted text already joined). */
function readScalar(raw: string): YamlValue {
	const s = raw.trim();
	if (s.startsWith("'") && s.endsWith("'") && s.length >= 2) return s.slice(1, -1).replaceAll("''", "'");
	if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) return readDoubleQuoted(s.slice(1, -1));
	if (s.startsWith('[') && s.endsWith(']')) return splitFlow(s.slice(1, -1)).map(readScalar);
	if (s.startsWith('{') && s.endsWith('}')) {
		const out: Record<string, YamlValue> = {};
		for (const part of splitFlow(s.slice(1, -1))) {
			const at = findColon(part);
			if (at < 0) out[String(readScalar(part))] = null;
			else out[String(readScalar(part.slice(0, at)))] = readScalar(part.slice(at + 1));
		}
		return out;
	}
	if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
	if (/^(true|True|TRUE)$/.test(s)) return true;
	if (/^(false|False|FALSE)$/.test(s)) return false;
	if (/^[-+]?(0|[1-9][0-9]*)$/.test(s)) return Number(s);
	if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
	if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
	if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
	return s;
}

/** The index of the `:` that ends a mapping key (followed by a space or the end), outside quotes; -1 if none. */
function findColon(s: string): number {
	let quote: string | null = null;
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (quote) {
			if (c === quote) quote = null;
		} else if ((c === "'" || c === '"') && i === 0) quote = c;
		else if (c === ':' && (i + 1 === s.length || s[i + 1] === ' ')) return i;
	}
	return -1;
}

/** Whether a quoted scalar starting `s` is still open at the end of the line. */
function isOpenQuote(s: string): boolean {
	const q = s[0];
	if (q !== "'" && q !== '"') return false;
	let i = 1;
	while (i < s.length) {
		if (q === '"' && s[i] === '\\') i += 2;
		else if (s[i] === q) {
			if (q === "'" && s[i + 1] === "'") i += 2;
			else return false;
		} else i++;
	}
	return true;
}

class Parser {
	i = 0;
	constructor(private lines: Line[]) {}

	/** The inline value text after `key: ` or `- `, with folded continuation lines of a quoted or plain scalar. */
	private joinScalar(first: string, minIndent: number): string {
		let text = first;
		const quoted = isOpenQuote(first);
		while (this.i < this.lines.length) {
			const next = this.lines[this.i];
			if (quoted ? !isOpenQuote(text) : next.indent < minIndent || findColon(next.text) >= 0 || next.text.startsWith('- ')) break;
			text += next.text === '' ? '\n' : (text.endsWith('\n') ? '' : ' ') + next.text;
			this.i++;
		}
		if (quoted && isOpenQuote(text)) throw new YamlError(`unterminated quoted string`);
		return text;
	}

	parseBlock(indent: number): YamlValue {
		const line = this.lines[this.i];
		if (!line || line.indent < indent) return null;
		return line.text === '-' || line.text.startsWith('- ') ? this.parseSequence(line.indent) : this.parseMapping(line.indent);
	}

	/** The value after `key:` or `- `: inline text, or a nested block on the following lines. */
	private parseValue(inline: string, parentIndent: number): YamlValue {
		if (inline !== '') return readScalar(this.joinScalar(inline, parentIndent + 1));
		const next = this.lines[this.i];
		if (!next) return null;
		// PyYAML writes a mapping's sequence at the key's own indent.
		if (next.indent > parentIndent || (next.indent === parentIndent && (next.text === '-' || next.text.startsWith('- ')))) return this.parseBlock(next.indent);
		return null;
	}

	private parseSequence(indent: number): YamlValue[] {
		const out: YamlValue[] = [];
		while (this.i < this.lines.length) {
			const line = this.lines[this.i];
			if (line.indent !== indent || !(line.text === '-' || line.text.startsWith('- '))) break;
			const rest = line.text.slice(1).trimStart();
			const inner = line.indent + (line.text.length - rest.length);
			if (rest !== '' && findColon(rest) >= 0 && !rest.startsWith('{') && !rest.startsWith("'") && !rest.startsWith('"')) {
				// `- key: value` opens a mapping whose keys line up with `key`.
				this.lines[this.i] = { ...line, indent: inner, text: rest };
				out.push(this.parseMapping(inner));
			} else {
				this.i++;
				out.push(this.parseValue(rest, indent));
			}
		}
		return out;
	}

	private parseMapping(indent: number): Record<string, YamlValue> {
		const out: Record<string, YamlValue> = {};
		while (this.i < this.lines.length) {
			const line = this.lines[this.i];
			if (line.indent < indent) break;
			if (line.indent > indent) throw new YamlError(`line ${line.no}: unexpected indentation`);
			if (line.text.startsWith('- ')) break;
			const at = findColon(line.text);
			if (at < 0) throw new YamlError(`line ${line.no}: expected "key: value"`);
			const key = String(readScalar(line.text.slice(0, at)));
			this.i++;
			out[key] = this.parseValue(line.text.slice(at + 1).trim(), indent);
		}
		return out;
	}
}

/** Parses `text`; a document that is not the block YAML described above gives an error with its line. */
export function parseYaml(text: string): YamlResult {
	const lines: Line[] = [];
	text.split(/\r?\n/).forEach((raw, k) => {
		if (/^(---|\.\.\.)\s*$/.test(raw)) return;
		const body = stripComment(raw);
		const trimmed = body.trimStart();
		// Blank lines only matter inside a folded scalar, which joins them as newlines.
		if (trimmed === '' && lines.length > 0 && isOpenQuote(lines[lines.length - 1].text)) lines.push({ indent: 0, text: '', no: k + 1 });
		else if (trimmed !== '') lines.push({ indent: body.length - trimmed.length, text: trimmed, no: k + 1 });
	});
	try {
		const p = new Parser(lines);
		if (lines.length === 0) return { ok: true, value: null };
		if (lines.length === 1 && findColon(lines[0].text) < 0 && !lines[0].text.startsWith('- ')) return { ok: true, value: readScalar(lines[0].text) };
		const value = p.parseBlock(0);
		if (p.i < lines.length) throw new YamlError(`line ${lines[p.i].no}: unexpected content`);
		return { ok: true, value };
	} catch (e) {
		if (e instanceof YamlError) return { ok: false, error: e.message };
		throw e;
	}
}
