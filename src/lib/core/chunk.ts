// The metric chunk codec (DESIGN.md §3): packs a slice of one series (steps, timestamps, values) into the bytes
// stored as one item of a series document's Y.Array, and decodes chunks straight into the typed arrays charts take.

/**
 * Chunk layout, format version 1 (all multi-byte numbers little-endian):
 *
 *   u8       format version (CHUNK_FORMAT_VERSION)
 *   varuint  n, the point count
 *   u8       column flags: bit 0 = steps stored raw, bit 1 = timestamps stored raw; other bits are 0
 *   n × f64  values, bit-exact (-0 and ±Infinity kept; a NaN may come back as another NaN)
 *   steps column, then timestamps column, each either
 *     n zigzag varuints of delta-of-deltas: x[0], x[1] - x[0], then x[i] - 2·x[i-1] + x[i-2], or
 *     n × f64 when its raw flag is set.
 *
 * A column is stored raw when some entry is not an integer within ±DOD_LIMIT; no real series does that, and it
 * keeps every delta-of-delta below 2^52 in magnitude, so float64 arithmetic on them is exact. Varuints are LEB128
 * (7 bits per byte, low bits first), at most MAX_VARUINT_BYTES long. -0 in steps/timestamps reads back as 0.
 */
export const CHUNK_FORMAT_VERSION = 1;

const FLAG_STEPS_RAW = 1;
const FLAG_TIMESTAMPS_RAW = 2;
const KNOWN_FLAGS = FLAG_STEPS_RAW | FLAG_TIMESTAMPS_RAW;
/** Largest |x| of a varint column: |delta| ≤ 2^51, |delta of delta| ≤ 2^52, zigzag ≤ 2^53, all exact. */
const DOD_LIMIT = 2 ** 50;
const MAX_ZIGZAG = 2 ** 53;
/** 8 × 7 = 56 bits, enough for any zigzag value (≤ 2^53) and any point count. */
const MAX_VARUINT_BYTES = 8;

/** Columns of one metric series slice; all three arrays have the same length. steps are integers (MLflow int64 steps, within ±2^53), timestamps are integer ms since epoch, values are any float64 incl. NaN/±Infinity/-0. */
export interface SeriesColumns {
	steps: Float64Array;
	timestamps: Float64Array;
	values: Float64Array;
}

/** A chunk that is truncated, has trailing bytes, an unknown version or an impossible field. */
export class ChunkFormatError extends Error {
	override name = 'ChunkFormatError';
}

/** Zero-filled columns of `length` points. */
export function createColumns(length: number): SeriesColumns {
	return { steps: new Float64Array(length), timestamps: new Float64Array(length), values: new Float64Array(length) };
}

/** Concatenates `parts` in order into fresh columns (never aliases an input). */
export function concatColumns(parts: readonly SeriesColumns[]): SeriesColumns {
	let length = 0;
	for (const part of parts) length += part.values.length;
	const out = createColumns(length);
	let at = 0;
	for (const part of parts) {
		out.steps.set(part.steps, at);
		out.timestamps.set(part.timestamps, at);
		out.values.set(part.values, at);
		at += part.values.length;
	}
	return out;
}

// Chunks are written by hand into one preallocated Uint8Array rather than with lib0's encoder: lib0 writes a
// varint a byte at a time through a generic encoder that allocates and grows a list of buffers and then copies
// them together. Here each column is one tight loop of indexed stores into a scratch buffer sized for the worst
// case (24 bytes per point), and the chunk is one copy out of it; measured ~1.6× faster than measuring first.

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Worst-case header bytes: version, an 8-byte point count, flags. */
const MAX_HEADER_BYTES = 2 + MAX_VARUINT_BYTES;
/** Scratch buffers up to this size are kept for the next call (encodeChunk never re-enters, so one is enough). */
const SCRATCH_KEEP_BYTES = 1 << 20;
let scratch = new Uint8Array(0);

/** Encodes `cols` as one chunk (layout above). Throws if the three columns differ in length. */
export function encodeChunk(cols: SeriesColumns): Uint8Array {
	const { steps, timestamps, values } = cols;
	const n = values.length;
	if (steps.length !== n || timestamps.length !== n) {
		throw new RangeError(`encodeChunk: columns differ in length (steps ${steps.length}, timestamps ${timestamps.length}, values ${values.length})`);
	}
	const bound = MAX_HEADER_BYTES + 24 * n;
	let buf = scratch;
	if (buf.length < bound) {
		buf = new Uint8Array(bound);
		if (bound <= SCRATCH_KEEP_BYTES) scratch = buf;
	}
	buf[0] = CHUNK_FORMAT_VERSION;
	let p = writeVarUint(buf, 1, n);
	const flagsAt = p++;
	let flags = 0;
	p = writeFloat64Column(buf, p, values);
	let end = writeDodColumn(buf, p, steps);
	if (end < 0) {
		flags |= FLAG_STEPS_RAW;
		end = writeFloat64Column(buf, p, steps);
	}
	p = end;
	end = writeDodColumn(buf, p, timestamps);
	if (end < 0) {
		flags |= FLAG_TIMESTAMPS_RAW;
		end = writeFloat64Column(buf, p, timestamps);
	}
	buf[flagsAt] = flags;
	return buf.slice(0, end);
}

/** Decodes one chunk into fresh columns. Throws ChunkFormatError on any malformed input. */
export function decodeChunk(bytes: Uint8Array): SeriesColumns {
	const header = readHeader(bytes);
	const out = createColumns(header.count);
	decodeInto(bytes, header, out, 0);
	return out;
}

/** The point count of a chunk, from its header only (validated against the bytes that follow it). */
export function readChunkLength(bytes: Uint8Array): number {
	return readHeader(bytes).count;
}

/** Decodes `chunks` in order straight into one set of columns sized from their headers (no per-chunk arrays). */
export function decodeChunks(chunks: readonly Uint8Array[]): SeriesColumns {
	const headers = chunks.map(readHeader);
	let length = 0;
	for (const h of headers) length += h.count;
	const out = createColumns(length);
	let at = 0;
	for (let i = 0; i < chunks.length; i++) {
		decodeInto(chunks[i], headers[i], out, at);
		at += headers[i].count;
	}
	return out;
}

interface ChunkHeader {
	count: number;
	flags: number;
	/** Byte offset of the values column. */
	body: number;
}

/** A read position shared by the column readers of one chunk. */
interface Cursor {
	pos: number;
}

function fail(message: string): never {
	throw new ChunkFormatError(`chunk: ${message}`);
}

function readHeader(bytes: Uint8Array): ChunkHeader {
	if (bytes.length === 0) fail('empty input (a chunk has at least a 3-byte header)');
	if (bytes[0] !== CHUNK_FORMAT_VERSION) {
		fail(`unknown format version ${bytes[0]} (this build reads version ${CHUNK_FORMAT_VERSION})`);
	}
	const cursor = { pos: 1 };
	const count = readVarUint(bytes, cursor, 'header', -1);
	if (cursor.pos >= bytes.length) fail(`truncated header: no column flags byte after the point count (${bytes.length} bytes)`);
	const flags = bytes[cursor.pos++];
	if ((flags & ~KNOWN_FLAGS) !== 0) fail(`unknown column flags 0x${flags.toString(16)}`);
	const need =
		8 * count + (flags & FLAG_STEPS_RAW ? 8 * count : count) + (flags & FLAG_TIMESTAMPS_RAW ? 8 * count : count);
	const remaining = bytes.length - cursor.pos;
	if (need > remaining) {
		fail(`header says ${count} points, which need at least ${need} bytes, but only ${remaining} follow the header`);
	}
	return { count, flags, body: cursor.pos };
}

/** Decodes the columns of a chunk whose header is `header` into `out` at point index `at`. */
function decodeInto(bytes: Uint8Array, header: ChunkHeader, out: SeriesColumns, at: number): void {
	const { count: n, flags } = header;
	const cursor = { pos: header.body };
	// The header check guarantees the values column and a raw steps column are complete.
	readFloat64Column(bytes, cursor, out.values, at, n);
	if (flags & FLAG_STEPS_RAW) readFloat64Column(bytes, cursor, out.steps, at, n);
	else readDodColumn(bytes, cursor, out.steps, at, n, 'steps');
	if (flags & FLAG_TIMESTAMPS_RAW) {
		const remaining = bytes.length - cursor.pos;
		if (8 * n > remaining) fail(`truncated timestamps column: needs ${8 * n} bytes at byte ${cursor.pos}, ${remaining} remain`);
		readFloat64Column(bytes, cursor, out.timestamps, at, n);
	} else {
		readDodColumn(bytes, cursor, out.timestamps, at, n, 'timestamps');
	}
	if (cursor.pos !== bytes.length) {
		fail(`${bytes.length - cursor.pos} trailing bytes after ${n} points (chunk ends at byte ${cursor.pos} of ${bytes.length})`);
	}
}

/** Writes `v` (an integer in [0, 2^56)) as a LEB128 varuint at `p`; returns the position after it. */
function writeVarUint(buf: Uint8Array, p: number, v: number): number {
	// `& 0x7f` is exact for any safe integer (ToInt32 keeps the low bits); `>>>` only below 2^32.
	while (v > 0xffffffff) {
		buf[p++] = (v & 0x7f) | 0x80;
		v = Math.floor(v / 128);
	}
	while (v > 0x7f) {
		buf[p++] = (v & 0x7f) | 0x80;
		v >>>= 7;
	}
	buf[p++] = v;
	return p;
}

/** Names a varuint in errors: the header's point count (point < 0) or an entry of a column. */
function nameVarUint(column: string, point: number): string {
	return point < 0 ? 'header point count' : `${column} column, point ${point}`;
}

/** Reads a LEB128 varuint of at most MAX_VARUINT_BYTES at the cursor. */
function readVarUint(bytes: Uint8Array, cursor: Cursor, column: string, point: number): number {
	const start = cursor.pos;
	let p = start;
	let value = 0;
	let scale = 1;
	for (;;) {
		if (p - start === MAX_VARUINT_BYTES) {
			fail(`${nameVarUint(column, point)}: varuint at byte ${start} is longer than ${MAX_VARUINT_BYTES} bytes`);
		}
		if (p >= bytes.length) {
			fail(`truncated ${nameVarUint(column, point)}: varuint at byte ${start} runs past the end (${bytes.length} bytes)`);
		}
		const b = bytes[p++];
		value += (b & 0x7f) * scale;
		scale *= 128;
		if (b < 0x80) break;
	}
	cursor.pos = p;
	return value;
}

/** Reads one zigzag entry of a varint column, rejecting values the encoder never writes (> 2^53). */
function readZigzag(bytes: Uint8Array, cursor: Cursor, column: string, point: number): number {
	const zigzag = readVarUint(bytes, cursor, column, point);
	if (zigzag > MAX_ZIGZAG) fail(`${nameVarUint(column, point)}: varuint overflows (${zigzag} > 2^53)`);
	// The low bit via `& 1` is exact for any safe integer.
	return zigzag & 1 ? -(zigzag + 1) / 2 : zigzag / 2;
}

function zigzag(v: number): number {
	return v >= 0 ? v * 2 : -v * 2 - 1;
}

function isVarintable(x: number): boolean {
	return x >= -DOD_LIMIT && x <= DOD_LIMIT && Math.floor(x) === x;
}

/**
 * Writes `xs` as a varint column at `p` and returns the position after it, or -1 (having written garbage past
 * `p`) as soon as an entry is not an integer within ±DOD_LIMIT: the caller then stores the column raw.
 */
function writeDodColumn(buf: Uint8Array, p: number, xs: Float64Array): number {
	if (xs.length === 0) return p;
	let prev = xs[0];
	if (!isVarintable(prev)) return -1;
	let prevDelta = 0;
	p = writeVarUint(buf, p, zigzag(prev));
	for (let i = 1; i < xs.length; i++) {
		const x = xs[i];
		if (!isVarintable(x)) return -1;
		const delta = x - prev;
		const z = zigzag(delta - prevDelta);
		prev = x;
		prevDelta = delta;
		if (z < 0x80) {
			buf[p++] = z;
		} else if (z < 0x4000) {
			buf[p++] = (z & 0x7f) | 0x80;
			buf[p++] = z >>> 7;
		} else {
			p = writeVarUint(buf, p, z);
		}
	}
	return p;
}

function outOfRange(column: string, point: number, x: number): never {
	fail(`${column} column, point ${point}: decodes to ${x}, outside ±2^50`);
}

/** Reads `n` entries of a varint column at the cursor into `out[at…]`. */
function readDodColumn(bytes: Uint8Array, cursor: Cursor, out: Float64Array, at: number, n: number, column: string): void {
	if (n === 0) return;
	let prev = readZigzag(bytes, cursor, column, 0);
	if (prev > DOD_LIMIT || prev < -DOD_LIMIT) outOfRange(column, 0, prev);
	out[at] = prev;
	let prevDelta = 0;
	let p = cursor.pos;
	const end = bytes.length;
	for (let i = 1; i < n; i++) {
		let dod: number;
		const b = p < end ? bytes[p] : 0x80;
		const b2 = p + 1 < end ? bytes[p + 1] : 0x80;
		if (b < 0x80) {
			// Fast paths: one-byte (|dod| < 64) and two-byte (|dod| < 8192) entries, in 32-bit integer ops.
			dod = (b >>> 1) ^ -(b & 1);
			p++;
		} else if (b2 < 0x80) {
			const z = (b & 0x7f) | (b2 << 7);
			dod = (z >>> 1) ^ -(z & 1);
			p += 2;
		} else {
			cursor.pos = p;
			dod = readZigzag(bytes, cursor, column, i);
			p = cursor.pos;
		}
		prevDelta += dod;
		prev += prevDelta;
		if (prev > DOD_LIMIT || prev < -DOD_LIMIT) outOfRange(column, i, prev);
		out[at + i] = prev;
	}
	cursor.pos = p;
}

// Float64 columns: on little-endian hosts (every JS engine in practice) a straight byte copy, which also keeps NaN
// payloads; a DataView loop elsewhere. The chunk offset is not 8-aligned, so a Float64Array view is not possible.

function writeFloat64Column(buf: Uint8Array, p: number, xs: Float64Array): number {
	if (HOST_IS_LITTLE_ENDIAN) {
		buf.set(new Uint8Array(xs.buffer, xs.byteOffset, xs.length * 8), p);
	} else {
		const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
		for (let i = 0; i < xs.length; i++) view.setFloat64(p + 8 * i, xs[i], true);
	}
	return p + xs.length * 8;
}

/** Reads `n` float64 at the cursor into `out[at…]`; the caller has checked the bytes are there. */
function readFloat64Column(bytes: Uint8Array, cursor: Cursor, out: Float64Array, at: number, n: number): void {
	const p = cursor.pos;
	if (HOST_IS_LITTLE_ENDIAN) {
		new Uint8Array(out.buffer, out.byteOffset + at * 8, n * 8).set(bytes.subarray(p, p + n * 8));
	} else {
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		for (let i = 0; i < n; i++) out[at + i] = view.getFloat64(p + 8 * i, true);
	}
	cursor.pos = p + n * 8;
}
