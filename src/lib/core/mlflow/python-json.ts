// JSON values as MLflow's Python handlers print them in error messages: `json.dumps(v, sort_keys=True,
// separators=(",", ":"))` and `type(v).__name__`. Python tells `9.0` (float) from `9` (int), JavaScript does not,
// so a request body can be re-read with its number literals kept (`parsePythonJson`) to print them as Python does.

/** A JSON number literal as written in the request, e.g. `9.0`, `1e3`, `-12`. */
export class PyNumber {
	constructor(readonly literal: string) {}
	get isFloat(): boolean {
		return /[.eE]/.test(this.literal);
	}
}

/**
 * Parses JSON text like JSON.parse, except that numbers become PyNumber (their literal kept). Throws SyntaxError
 * on text that is not JSON.
 */
export function parsePythonJson(text: string): unknown {
	let i = 0;
	const fail = (): never => {
		throw new SyntaxError(`Unexpected JSON at position ${i}`);
	};
	const space = () => {
		while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
	};
	const string = (): string => {
		const start = i++;
		while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
		if (i >= text.length) fail();
		return JSON.parse(text.slice(start, ++i)) as string;
	};
	const value = (): unknown => {
		space();
		const c = text[i];
		if (c === '"') return string();
		if (c === '{') {
			const out: Record<string, unknown> = {};
			i++;
			space();
			if (text[i] === '}') return i++, out;
			for (;;) {
				space();
				if (text[i] !== '"') fail();
				const key = string();
				space();
				if (text[i++] !== ':') fail();
				out[key] = value();
				space();
				if (text[i] === '}') return i++, out;
				if (text[i++] !== ',') fail();
			}
		}
		if (c === '[') {
			const out: unknown[] = [];
			i++;
			space();
			if (text[i] === ']') return i++, out;
			for (;;) {
				out.push(value());
				space();
				if (text[i] === ']') return i++, out;
				if (text[i++] !== ',') fail();
			}
		}
		for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
			if (text.startsWith(word, i)) return (i += word.length), v;
		}
		const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 1100));
		if (!m) return fail();
		i += m[0].length;
		return new PyNumber(m[0]);
	};
	const out = value();
	space();
	if (i !== text.length) fail();
	return out;
}

/** Python's `repr` of a float: the shortest round-trip digits, positional for 1e-4 ≤ |x| < 1e16, else `1e+16`. */
export function writePythonFloat(x: number): string {
	if (Number.isNaN(x)) return 'NaN';
	if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
	if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
	const [mantissa, exp] = Math.abs(x).toExponential().split('e');
	const digits = mantissa.replace('.', '');
	const e = Number(exp);
	const sign = x < 0 ? '-' : '';
	if (e < -4 || e >= 16) {
		const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
		return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
	}
	const point = e + 1;
	if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
	if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
	return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Python's name for a JSON value's type, as MLflow's "Hint: Value was of type '…'" prints it. */
export function readPythonType(v: unknown): string {
	if (v === null || v === undefined) return 'NoneType';
	if (v instanceof PyNumber) return v.isFloat ? 'float' : 'int';
	if (typeof v === 'string') return 'str';
	if (typeof v === 'boolean') return 'bool';
	if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
	return Array.isArray(v) ? 'list' : 'dict';
}

/** A JSON value (PyNumber literals included) as Python's `json.dumps(v, sort_keys=True, separators=(",", ":"))`. */
export function writePythonJson(v: unknown): string {
	if (v === undefined || v === null) return 'null';
	if (v instanceof PyNumber) return v.isFloat ? writePythonFloat(Number(v.literal)) : BigInt(v.literal).toString();
	if (Array.isArray(v)) return `[${v.map(writePythonJson).join(',')}]`;
	if (typeof v === 'object') {
		const keys = Object.keys(v).sort();
		return `{${keys.map((k) => `${writePythonJson(k)}:${writePythonJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
	}
	if (typeof v === 'string') return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	if (typeof v === 'number' && !Number.isInteger(v)) return writePythonFloat(v);
	return JSON.stringify(v);
}
