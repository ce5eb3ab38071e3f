// Hostile JSON for the HTTP fuzz (tests/fuzz-http.test.ts): values of every wrong type and size, JSON text JSON.stringify
// cannot write (1e400, 100,000 levels of nesting, a `__proto__` key), mutations of a valid request message, and
// corruptions of its bytes (truncation, invalid UTF-8, trailing garbage).
import type { FuzzRandom } from './fuzz-random';

/** JSON text written as is by writeJson (numbers and nestings JavaScript values cannot hold). */
export class RawJson {
	constructor(readonly text: string) {}
}

/** A JSON message value: plain JSON values, with RawJson anywhere. */
export type FuzzJson = null | boolean | number | string | RawJson | FuzzJson[] | { [key: string]: FuzzJson };

/** Serialises `v`, RawJson parts verbatim. */
export function writeJson(v: FuzzJson): string {
	if (v instanceof RawJson) return v.text;
	if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`;
	if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${writeJson(x)}`).join(',')}}`;
	return JSON.stringify(v) ?? 'null';
}

/** `depth` levels of arrays or objects around `inner`. */
export function nestJson(depth: number, kind: 'array' | 'object' = 'array', inner = ''): RawJson {
	return kind === 'array' ? new RawJson('['.repeat(depth) + inner + ']'.repeat(depth)) : new RawJson('{"a":'.repeat(depth) + (inner || '1') + '}'.repeat(depth));
}

export const ONE_MB = 1024 * 1024;

const NUMBER_TEXTS = ['1e400', '-1e400', '9007199254740993', '-9007199254740993', '1e308', '-0', '0.1', '1' + '0'.repeat(400), '5e-324', '1.0', '2.5', '-1'];
const STRING_VALUES = ['', ' ', 'NaN', 'Infinity', '-Infinity', 'nan', '1e999', '0x10', ' 1 ', '-0', 'null', 'true', '[]', '{}', '%', '%%%_%', '\\', '../../etc/passwd', 'a/../b', '\u0000', 'RUNNING', 'FINISHED', 'Production', 'DELETED_ONLY', 'ALL', 'ACTIVE_ONLY'];
const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'length', '', ' ', 'key', 'value', 'name', 'id', 'run_id', 'experiment_id'];

export interface ValueOptions {
	/** Strings the server knows (real ids and names), so a hostile value sometimes names something real. */
	known: readonly string[];
	/** Allows 1 MB strings and 10,000-item arrays (kept rare: they cost transfer time). */
	big: boolean;
}

/** One value of a random wrong type or size; `depth` bounds how deep it nests (RawJson nestings aside). */
export function createHostileValue(rng: FuzzRandom, opts: ValueOptions, depth = 2): FuzzJson {
	const kind = rng.int(0, 11);
	switch (kind) {
		case 0:
			return rng.pick(STRING_VALUES);
		case 1:
			return rng.text(40);
		case 2:
			return rng.unicode(rng.int(1, 64));
		case 3:
			return opts.known.length > 0 ? rng.pick(opts.known) : rng.hex32();
		case 4:
			return new RawJson(rng.pick(NUMBER_TEXTS));
		case 5:
			return rng.pick([0, 1, -1, 3.5, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 63), 1e21, Number.MAX_VALUE]);
		case 6:
			return rng.pick([true, false, null]);
		case 7:
			return depth <= 0 ? [] : Array.from({ length: rng.int(0, 3) }, () => createHostileValue(rng, opts, depth - 1));
		case 8:
			return depth <= 0 ? {} : Object.fromEntries(Array.from({ length: rng.int(0, 3) }, () => [rng.pick(KEYS), createHostileValue(rng, opts, depth - 1)]));
		case 9:
			return nestJson(rng.pick([50, 399, 400, 401, 5_000, 100_000]), rng.chance(0.5) ? 'array' : 'object');
		case 10:
			if (opts.big && rng.chance(0.5)) return rng.chance(0.5) ? 'x'.repeat(ONE_MB) : rng.unicode(1000).repeat(100);
			return rng.text(4).repeat(rng.int(250, 9000));
		default:
			if (opts.big && rng.chance(0.3)) return new RawJson(`[${Array.from({ length: 10_000 }, (_, i) => i).join(',')}]`);
			return new RawJson(`{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}`);
	}
}

/**
 * A message built from a valid `template` by 1 to 3 random mutations: a field replaced by a hostile value, removed,
 * an extra field added, a nested value replaced, a list where an object is expected, or the whole body replaced.
 */
export function mutateMessage(rng: FuzzRandom, template: Record<string, FuzzJson>, opts: ValueOptions): FuzzJson {
	let msg: FuzzJson = structuredClone(template);
	const mutations = rng.int(1, 3);
	for (let i = 0; i < mutations; i++) {
		if (msg === null || typeof msg !== 'object' || Array.isArray(msg) || msg instanceof RawJson) break;
		const obj: Record<string, FuzzJson> = msg;
		const keys = Object.keys(obj);
		const op = rng.int(0, 9);
		if (op <= 3 && keys.length > 0) obj[rng.pick(keys)] = createHostileValue(rng, opts);
		else if (op === 4 && keys.length > 0) delete obj[rng.pick(keys)];
		else if (op === 5) obj[rng.chance(0.5) ? rng.pick(KEYS) : rng.text(10)] = createHostileValue(rng, opts);
		else if (op === 6 && keys.length > 0) replaceNested(rng, obj[rng.pick(keys)], opts);
		else if (op === 7) msg = [obj];
		else if (op === 8) msg = createHostileValue(rng, opts);
		else if (keys.length > 0) obj[rng.pick(keys)] = rng.chance(0.5) ? [obj[rng.pick(keys)]] : { value: obj[rng.pick(keys)] };
	}
	return msg;
}

/** Replaces one value somewhere inside `v` (an object field or a list item), if it has any. */
function replaceNested(rng: FuzzRandom, v: FuzzJson, opts: ValueOptions): void {
	if (v === null || typeof v !== 'object' || v instanceof RawJson) return;
	if (Array.isArray(v)) {
		if (v.length === 0) return void v.push(createHostileValue(rng, opts));
		const i = rng.int(0, v.length - 1);
		if (rng.chance(0.5)) replaceNested(rng, v[i], opts);
		else v[i] = createHostileValue(rng, opts);
		return;
	}
	const keys = Object.keys(v);
	if (keys.length === 0) return void (v[rng.pick(KEYS)] = createHostileValue(rng, opts));
	v[rng.pick(keys)] = createHostileValue(rng, opts, 1);
}

/** Byte sequences that are not UTF-8: a lone continuation byte, overlong encodings, a surrogate, bytes past U+10FFFF. */
const INVALID_UTF8 = [[0x80], [0xc0, 0xae], [0xe0, 0x80, 0xae], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xfe, 0xff], [0xc3]];

/** `text` as bytes with one corruption: truncated, invalid UTF-8 spliced in, a byte flipped, a BOM, or trailing garbage. */
export function corruptBody(rng: FuzzRandom, text: string): Buffer {
	const bytes = Buffer.from(text, 'utf8');
	const at = rng.int(0, bytes.length);
	switch (rng.int(0, 5)) {
		case 0:
			return bytes.subarray(0, at);
		case 1:
			return Buffer.concat([bytes.subarray(0, at), Buffer.from(rng.pick(INVALID_UTF8)), bytes.subarray(at)]);
		case 2: {
			const copy = Buffer.from(bytes);
			if (copy.length > 0) copy[Math.min(at, copy.length - 1)] ^= 1 << rng.int(0, 7);
			return copy;
		}
		case 3:
			return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
		case 4:
			return Buffer.concat([bytes, Buffer.from(rng.pick([' x', '}', ',', '\u0000', '// c', '{"a":1}']))]);
		default:
			return Buffer.from(rng.bytes(rng.int(0, 64)));
	}
}

/** A Content-Type header for a JSON body: usually right, else wrong, missing or odd. */
export function pickContentType(rng: FuzzRandom): string | undefined {
	if (rng.chance(0.75)) return 'application/json';
	return rng.pick([undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'APPLICATION/JSON', 'application/json;;', '', 'application/jsonx']);
}
