// Hostile paths and names for the HTTP fuzz: artifact paths that try to climb out in every encoding ('../',
// '..%2f', '%2e%2e/', '%252e%252e', backslashes, NUL, absolute paths, overlong UTF-8 and look-alike dots, very long
// paths), each ending in a marker file name an escaped write would leave behind; document names and state vectors
// for /api/docs; and Range headers.
import type { FuzzRandom } from './fuzz-random';

/** A string whose UTF-8 bytes sendRaw writes as they are (it writes request lines as latin1). */
export const asRawBytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

/**
 * `target` with every byte Node's HTTP parser refuses in a request line (controls, space, DEL, bytes ≥ 0x80)
 * percent-encoded, so the request reaches the server's routes; what the parser does with them is tested on its own.
 */
export function encodeUnsafeBytes(target: string): string {
	let out = '';
	for (const b of Buffer.from(target, 'latin1')) out += b <= 0x20 || b >= 0x7f ? `%${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b);
	return out;
}

/** Percent-encodes every byte of `s`'s UTF-8 but the unreserved ones (encodeURIComponent, minus its throw on lone surrogates). */
export function encodeComponent(s: string): string {
	let out = '';
	for (const b of Buffer.from(s, 'utf8')) out += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`;
	return out;
}

const CLIMB = [
	'..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '%25252e%25252e', '..%2f', '..%2F', '..%5c', '..\\', '%2e%2e%2f', '%2e%2e%5c',
	'..%00', '%00', '%c0%ae%c0%ae', '%c0%2e%c0%2e', '%e0%80%ae%e0%80%ae', '%e2%80%a4%e2%80%a4', '%ef%bc%8e%ef%bc%8e', asRawBytes('．．'), asRawBytes('\u2024\u2024'),
	'%u002e%u002e', '..;', '...', '....', '.. ', '%20..', '.', '%2e', '~', '', 'C:', 'C%3a', '%2f%2f', '%5c%5c', 'artifacts', 'dir'
];
const SEPARATORS = ['/', '/', '/', '\\', '%2f', '%2F', '%5c', '%252f', '//'];
const PREFIXES = ['', '', '', '/', '//', '\\', '%2f', '/etc/', '%2fetc%2f', 'C:\\', 'C:%5c', 'file:///', '\\\\server\\share\\', '%00'];

/**
 * An artifact path (as it goes in a URL) that climbs out in random encodings and ends in `marker`; sometimes very
 * long (thousands of segments, still below Node's 16 KB header limit), sometimes one segment of 10,000 characters.
 */
export function createTraversalPath(rng: FuzzRandom, marker: string, alsoNamed: readonly string[]): string {
	if (rng.chance(0.05)) return `${'a/'.repeat(rng.int(1000, 3500))}${marker}`;
	if (rng.chance(0.03)) return `${'x'.repeat(10_000)}/${marker}`;
	const parts: string[] = [];
	const n = rng.int(1, 8);
	for (let i = 0; i < n; i++) parts.push(rng.chance(0.15) ? rng.pick(alsoNamed) : rng.pick(CLIMB));
	let out = rng.pick(PREFIXES);
	for (const p of parts) out += p + rng.pick(SEPARATORS);
	return out + (rng.chance(0.1) ? asRawBytes(rng.unicode(4)) + marker : marker);
}

/** `text` percent-encoded as a query value (or, now and then, as is: a `&`, `#` or `%` then breaks the query). */
export function encodeQueryValue(rng: FuzzRandom, text: string): string {
	if (rng.chance(0.85)) return encodeComponent(text).replace(/%25/g, () => (rng.chance(0.2) ? '%' : '%25'));
	return encodeUnsafeBytes(asRawBytes(text));
}

/** Document names: every kind Tandem serves (the sentinels'), and names it must refuse. */
export function createDocName(rng: FuzzRandom, real: readonly string[]): string {
	if (rng.chance(0.5)) return rng.pick(real);
	return rng.pick([
		'',
		'/',
		'workspace/',
		'../workspace',
		'exp/../workspace',
		'exp/-1',
		'exp/1e3',
		'exp/99999999999999999999/live',
		`run/${rng.hex32().slice(1)}`,
		`run/${rng.hex32().toUpperCase()}`,
		`run/${rng.hex32()}`,
		`series/${rng.hex32()}/${rng.text(8)}`,
		`series/${rng.hex32()}/loss@0`,
		`series/${rng.hex32()}/loss@9999999`,
		`series/${rng.hex32()}/../../x`,
		`model/m-${rng.hex32()}`,
		`model/${rng.hex32()}`,
		rng.text(30),
		rng.unicode(20),
		'x'.repeat(rng.int(300, 5000))
	]);
}

const BASE64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * A state vector for `?sv=` or a batch's `sv`: valid, bit-flipped, truncated, huge varints, random bytes, not
 * base64; `huge` makes it 50 to 200 KB of random bytes.
 */
export function createStateVectorText(rng: FuzzRandom, valid: readonly Uint8Array[], huge = false): string | null {
	const sv = valid.length > 0 ? rng.pick(valid) : new Uint8Array([0]);
	if (huge) return BASE64(rng.bytes(rng.int(50_000, 200_000)));
	switch (rng.int(0, 9)) {
		case 0:
			return null;
		case 1:
			return BASE64(sv);
		case 2: {
			const copy = Uint8Array.from(sv);
			if (copy.length > 0) copy[rng.int(0, copy.length - 1)] ^= 1 << rng.int(0, 7);
			return BASE64(copy);
		}
		case 3:
			return BASE64(sv.subarray(0, rng.int(0, sv.length)));
		case 4:
			// A count or a clock that is a 10-byte varint (past 2^53), then nothing or a little.
			return BASE64(Uint8Array.from([...Array(rng.int(5, 10)).fill(0xff), 0x01, ...rng.bytes(rng.int(0, 4))]));
		case 5:
			return BASE64(rng.bytes(rng.int(0, 64)));
		case 6:
			return BASE64(rng.bytes(rng.int(64, 2000)));
		case 7:
			return rng.pick(['!!!!', '====', 'a', 'ab=c', '%%', ' ', '\u0000', '-_-_', 'AAAA'.repeat(rng.int(1, 5000))]);
		case 8:
			return BASE64(Uint8Array.from([rng.int(1, 127), ...Array.from({ length: rng.int(1, 40) }, () => 0x80 | rng.int(0, 127)), 0]));
		default:
			return BASE64(sv).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
	}
}

/** A Range header (plus, sometimes, If-Range / If-None-Match): valid, reversed, multi, huge numbers, other units, junk. */
export function createRangeHeaders(rng: FuzzRandom, etag: string): Record<string, string> {
	const n = () => String(rng.pick([0, 1, 5, 17, 18, 19, 100, 2 ** 31, 2 ** 53, 1e21]));
	const range = rng.pick([
		`bytes=${n()}-${n()}`,
		`bytes=${n()}-`,
		`bytes=-${n()}`,
		`bytes=${n()}-${n()},${n()}-${n()}`,
		`bytes=${'9'.repeat(rng.int(20, 400))}-`,
		'bytes=-0',
		'bytes=--1',
		'bytes=0x10-',
		'bytes = 1 - 2',
		'items=0-1',
		'bytes=',
		`bytes=${n()}-${n()}`.repeat(rng.int(2, 50)),
		asRawBytes(rng.unicode(8)).replace(/[\x00-\x1f\x7f]/g, '')
	]);
	const headers: Record<string, string> = { range };
	if (rng.chance(0.2)) headers['if-range'] = rng.pick([etag, '"nope"', 'Wed, 21 Oct 2015 07:28:00 GMT', '']);
	if (rng.chance(0.1)) headers['if-none-match'] = rng.pick([etag, '*', `W/${etag}`, '"a", "b"']);
	return headers;
}
