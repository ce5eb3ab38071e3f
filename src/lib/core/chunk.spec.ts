// Tests of the metric chunk codec: edge-case and seeded random round trips, size on realistic series,
// multi-chunk decoding, and precise errors on malformed chunks.
import { describe, expect, it } from 'vitest';
import * as prng from 'lib0/prng';
import {
	CHUNK_FORMAT_VERSION,
	ChunkFormatError,
	concatColumns,
	createColumns,
	decodeChunk,
	decodeChunks,
	encodeChunk,
	readChunkLength,
	type SeriesColumns
} from './chunk';

function columnsOf(steps: number[], timestamps: number[], values: number[]): SeriesColumns {
	return { steps: Float64Array.from(steps), timestamps: Float64Array.from(timestamps), values: Float64Array.from(values) };
}

/** Plain arrays, so that toEqual compares with Object.is semantics (-0 ≠ 0, NaN = NaN). */
function plain(cols: SeriesColumns) {
	return { steps: Array.from(cols.steps), timestamps: Array.from(cols.timestamps), values: Array.from(cols.values) };
}

function roundTrip(cols: SeriesColumns): SeriesColumns {
	const bytes = encodeChunk(cols);
	expect(readChunkLength(bytes)).toBe(cols.values.length);
	const back = decodeChunk(bytes);
	expect(plain(back)).toEqual(plain(cols));
	return back;
}

const T0 = 1_700_000_000_000;

describe('chunk round trip: edge cases', () => {
	it('empty chunk is a 3-byte header and decodes to zero points', () => {
		const bytes = encodeChunk(createColumns(0));
		expect(Array.from(bytes)).toEqual([CHUNK_FORMAT_VERSION, 0, 0]);
		expect(readChunkLength(bytes)).toBe(0);
		expect(decodeChunk(bytes).values.length).toBe(0);
	});

	it('one point has the documented layout: header, f64 value, zigzag delta-of-delta varints', () => {
		const bytes = encodeChunk(columnsOf([5], [2000], [1.5]));
		const value = new Uint8Array(8);
		new DataView(value.buffer).setFloat64(0, 1.5, true);
		// steps: first entry 5 → zigzag 10; timestamps: 2000 → zigzag 4000 = 0b11111_0100000 → [0xa0, 0x1f].
		expect(Array.from(bytes)).toEqual([CHUNK_FORMAT_VERSION, 1, 0, ...value, 10, 0xa0, 0x1f]);
		roundTrip(columnsOf([5], [2000], [1.5]));
	});

	it('stores x[0], x[1] - x[0], then delta-of-deltas, as zigzag varuints', () => {
		const cols = columnsOf([10, 11, 12, 12], [1000, 1100, 1190, 1300], [0, 0, 0, 0]);
		const bytes = encodeChunk(cols);
		// steps: 10, 1, 0, -1 → zigzag 20, 2, 0, 1; timestamps: 1000, 100, -10, 20 → zigzag 2000, 200, 19, 40.
		expect(Array.from(bytes.subarray(3 + 32))).toEqual([20, 2, 0, 1, 0xd0, 0x0f, 0xc8, 0x01, 19, 40]);
		roundTrip(cols);
	});

	it('returns chunks that do not share memory with later encodes', () => {
		const a = columnsOf([1, 2, 3], [T0, T0 + 5, T0 + 9], [0.1, 0.2, 0.3]);
		const first = encodeChunk(a);
		const copy = first.slice();
		encodeChunk(columnsOf([7, 8], [1, 2], [NaN, -1]));
		expect(Array.from(first)).toEqual(Array.from(copy));
		expect(plain(decodeChunk(first))).toEqual(plain(a));
	});

	it('keeps NaN, ±Infinity, -0, subnormals and extreme floats in values bit-exactly', () => {
		const values = [NaN, Infinity, -Infinity, -0, 0, Number.MIN_VALUE, -Number.MAX_VALUE, 2 ** -1074, 1e308];
		const back = roundTrip(columnsOf(values.map((_, i) => i), values.map((_, i) => T0 + i), values));
		expect(Object.is(back.values[3], -0)).toBe(true);
		expect(Object.is(back.values[4], 0)).toBe(true);
	});

	it('handles MAX_SAFE_INTEGER and MIN_SAFE_INTEGER steps exactly', () => {
		const steps = [0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1, 1];
		roundTrip(columnsOf(steps, steps.map((_, i) => T0 + i), steps.map(() => 0.5)));
	});

	it('handles negative, non-monotonic and repeated steps', () => {
		const steps = [-5, -4, -4, 10, 3, -1000, 0, 0, 7, -(2 ** 40), 2 ** 40, 6];
		roundTrip(columnsOf(steps, steps.map((_, i) => T0 + ((i * 37) % 11) * 1000), steps.map((s) => s / 3)));
	});

	it('handles huge timestamp gaps and clocks going backwards', () => {
		const timestamps = [0, T0, T0 + 1, 1, 2 ** 50, -(2 ** 50), 2 ** 50, T0, T0 - 86_400_000, 8.64e15];
		roundTrip(columnsOf(timestamps.map((_, i) => i), timestamps, timestamps.map((_, i) => i * 0.1)));
	});

	it('uses the widest varints at the ±2^50 boundary and stores columns raw just past it', () => {
		// 2^50, -2^50, 2^50: entries 2^50, -2^51, 2^52 (zigzag 2^53, an 8-byte varuint).
		const edge = [2 ** 50, -(2 ** 50), 2 ** 50, -(2 ** 50)];
		roundTrip(columnsOf(edge, edge, [1, 2, 3, 4]));
		expect(encodeChunk(columnsOf(edge, [0, 1, 2, 3], [1, 2, 3, 4]))[2]).toBe(0); // column flags: no raw column
		const past = [2 ** 50 + 1, -(2 ** 50), 2 ** 50, -(2 ** 50) - 1];
		roundTrip(columnsOf(past, past, [1, 2, 3, 4]));
		const raw = encodeChunk(columnsOf(past, past, [1, 2, 3, 4]));
		expect(raw[2]).toBe(3); // steps and timestamps raw
		expect(raw.length).toBe(3 + 3 * 4 * 8);
		expect(encodeChunk(columnsOf([0, 1, 2, 3], past, [1, 2, 3, 4]))[2]).toBe(2); // timestamps raw only
	});

	it('keeps non-integer and non-finite steps/timestamps exactly by storing the column raw', () => {
		const odd = [0.5, NaN, Infinity, -Infinity, 1e300, 3];
		roundTrip(columnsOf(odd, [...odd].reverse(), [1, 2, 3, 4, 5, 6]));
	});

	it('reads a chunk at an unaligned offset and encodes columns that are subarrays', () => {
		const big = columnsOf([9, 0, 1, 2, 9], [9, T0, T0 + 10, T0 + 25, 9], [9, -0, 1, NaN, 9]);
		const part = { steps: big.steps.subarray(1, 4), timestamps: big.timestamps.subarray(1, 4), values: big.values.subarray(1, 4) };
		const bytes = encodeChunk(part);
		const host = new Uint8Array(bytes.length + 3);
		host.set(bytes, 3);
		expect(plain(decodeChunk(host.subarray(3)))).toEqual(plain(part));
	});

	it('rejects columns of different lengths', () => {
		expect(() => encodeChunk({ steps: new Float64Array(2), timestamps: new Float64Array(2), values: new Float64Array(3) })).toThrow(
			/columns differ in length \(steps 2, timestamps 2, values 3\)/
		);
	});
});

/** A random column of `n` steps or timestamps from one of several shapes, some of them hostile. */
function randomIntColumn(gen: prng.PRNG, n: number): Float64Array {
	const out = new Float64Array(n);
	const shape = prng.int32(gen, 0, 5);
	let x = shape === 0 ? 0 : prng.int53(gen, -(2 ** 45), 2 ** 45);
	for (let i = 0; i < n; i++) {
		if (shape === 0) x = i; // 0, 1, 2, …
		else if (shape === 1) x += prng.int32(gen, 90, 110); // regular with jitter
		else if (shape === 2) x += prng.int32(gen, -1000, 1000); // non-monotonic
		else if (shape === 3) x = prng.int53(gen, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER); // anything
		else if (shape === 4) x = prng.bool(gen) ? prng.int53(gen, -(2 ** 50), 2 ** 50) : x + 1; // big jumps
		else x = prng.oneOf(gen, [0, -1, 1, 2 ** 50, -(2 ** 50), 2 ** 50 + 2, Number.MAX_SAFE_INTEGER]);
		out[i] = x;
	}
	return out;
}

function randomValue(gen: prng.PRNG): number {
	const kind = prng.int32(gen, 0, 3);
	if (kind === 0) return prng.oneOf(gen, [NaN, Infinity, -Infinity, -0, 0, Number.MIN_VALUE, Number.MAX_VALUE]);
	if (kind === 1) return prng.real53(gen) * 2 - 1;
	// Any bit pattern, including NaNs with payloads (they must come back as NaN).
	const view = new DataView(new ArrayBuffer(8));
	view.setUint32(0, prng.uint32(gen, 0, 0xffffffff));
	view.setUint32(4, prng.uint32(gen, 0, 0xffffffff));
	return view.getFloat64(0);
}

function randomColumns(gen: prng.PRNG, maxLength: number): SeriesColumns {
	const n = prng.int32(gen, 0, maxLength);
	const values = new Float64Array(n);
	for (let i = 0; i < n; i++) values[i] = randomValue(gen);
	return { steps: randomIntColumn(gen, n), timestamps: randomIntColumn(gen, n), values };
}

/** Runs `fn` with a seeded generator; on failure prints the seed and how to rerun with it. */
function withSeed(name: string, fn: (gen: prng.PRNG) => void): void {
	const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000_000);
	try {
		fn(prng.create(seed));
	} catch (err) {
		console.error(`${name} failed with seed ${seed} (rerun with FUZZ_SEED=${seed})`);
		throw err;
	}
}

describe('chunk round trip: seeded random', () => {
	it('decodes exactly what was encoded for 300 random chunks', () => {
		withSeed('chunk round-trip fuzz', (gen) => {
			for (let k = 0; k < 300; k++) roundTrip(randomColumns(gen, 300));
		});
	});

	it('decodeChunks equals concatColumns of decodeChunk, with empty chunks mixed in', () => {
		withSeed('decodeChunks fuzz', (gen) => {
			for (let k = 0; k < 20; k++) {
				const chunks = Array.from({ length: prng.int32(gen, 0, 12) }, () => encodeChunk(randomColumns(gen, 200)));
				const all = decodeChunks(chunks);
				expect(plain(all)).toEqual(plain(concatColumns(chunks.map(decodeChunk))));
				expect(all.values.length).toBe(chunks.reduce((n, c) => n + readChunkLength(c), 0));
			}
		});
		expect(decodeChunks([]).values.length).toBe(0);
	});
});

describe('chunk size on realistic series', () => {
	/** 100k points: steps 0,1,2,…; timestamps every `interval` ms ± `jitter`; a noisy decaying loss. */
	function realisticSeries(gen: prng.PRNG, interval: number, jitter: number): SeriesColumns {
		const n = 100_000;
		const cols = createColumns(n);
		let t = T0;
		for (let i = 0; i < n; i++) {
			t += interval + prng.int32(gen, -jitter, jitter);
			cols.steps[i] = i;
			cols.timestamps[i] = t;
			cols.values[i] = 2 / Math.sqrt(i + 1) + 0.05 * prng.real53(gen);
		}
		return cols;
	}

	for (const [interval, jitter] of [
		[10, 3],
		[100, 10],
		[1000, 100]
	] as const) {
		it(`stays ≤ 12 bytes per point at ${interval} ms ± ${jitter} ms, whole and in 1,000-point chunks`, () => {
			withSeed('realistic size', (gen) => {
				const cols = realisticSeries(gen, interval, jitter);
				const whole = encodeChunk(cols);
				expect(whole.length / 100_000).toBeLessThanOrEqual(12);
				let chunked = 0;
				const chunks: Uint8Array[] = [];
				for (let at = 0; at < 100_000; at += 1000) {
					const slice = { steps: cols.steps.subarray(at, at + 1000), timestamps: cols.timestamps.subarray(at, at + 1000), values: cols.values.subarray(at, at + 1000) };
					chunks.push(encodeChunk(slice));
					chunked += chunks[chunks.length - 1].length;
				}
				expect(chunked / 100_000).toBeLessThanOrEqual(12);
				expect(plain(decodeChunks(chunks))).toEqual(plain(cols));
			});
		});
	}
});

describe('chunk decoding rejects malformed input', () => {
	const sample = encodeChunk(columnsOf([0, 1, 2, 300], [T0, T0 + 100, T0 + 250, T0 + 260], [0.5, NaN, -0, 3]));

	function withBytes(bytes: number[]): Uint8Array {
		return Uint8Array.from(bytes);
	}

	it('rejects empty input and unknown versions', () => {
		expect(() => decodeChunk(new Uint8Array(0))).toThrow(/chunk: empty input/);
		for (const version of [0, 2, 255]) {
			const bad = sample.slice();
			bad[0] = version;
			expect(() => decodeChunk(bad)).toThrow(new RegExp(`unknown format version ${version} \\(this build reads version 1\\)`));
			expect(() => readChunkLength(bad)).toThrow(ChunkFormatError);
		}
	});

	it('rejects every truncation of a valid chunk', () => {
		for (let len = 0; len < sample.length; len++) {
			expect(() => decodeChunk(sample.subarray(0, len)), `prefix of ${len} bytes`).toThrow(ChunkFormatError);
		}
	});

	it('names the truncated part', () => {
		expect(() => decodeChunk(sample.subarray(0, 2))).toThrow(/truncated header: no column flags byte/);
		expect(() => decodeChunk(withBytes([1, 0x80]))).toThrow('chunk: truncated header point count: varuint at byte 1 runs past the end (2 bytes)');
		expect(() => decodeChunk(sample.subarray(0, 20))).toThrow(/header says 4 points, which need at least 40 bytes, but only 17 follow/);
		// The last timestamp's delta-of-delta (-140, zigzag 279) is a 2-byte varint: cutting a byte lands inside it.
		expect(() => decodeChunk(sample.subarray(0, sample.length - 1))).toThrow(
			`chunk: truncated timestamps column, point 3: varuint at byte ${sample.length - 2} runs past the end (${sample.length - 1} bytes)`
		);
	});

	it('names the point whose varuint is cut short', () => {
		// steps [0, 1, 2^30]: the entry of point 2 (delta-of-delta 2^30 - 2) is a 5-byte varuint at byte 29.
		const bytes = encodeChunk(columnsOf([0, 1, 2 ** 30], [0, 0, 0], [1, 2, 3]));
		expect(bytes.length).toBe(37);
		expect(() => decodeChunk(bytes.subarray(0, 33))).toThrow(
			'chunk: truncated steps column, point 2: varuint at byte 29 runs past the end (33 bytes)'
		);
	});

	it('rejects trailing bytes', () => {
		const longer = new Uint8Array(sample.length + 2);
		longer.set(sample);
		expect(() => decodeChunk(longer)).toThrow(`chunk: 2 trailing bytes after 4 points (chunk ends at byte ${sample.length} of ${sample.length + 2})`);
		expect(() => decodeChunks([sample, longer])).toThrow(/2 trailing bytes/);
	});

	it('rejects unknown column flags', () => {
		expect(() => decodeChunk(withBytes([1, 0, 4]))).toThrow(/unknown column flags 0x4/);
	});

	const onePointPrefix = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]; // one point, value 1.0

	it('rejects over-long and overflowing varints', () => {
		expect(() => decodeChunk(withBytes([...onePointPrefix, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0]))).toThrow(
			'chunk: steps column, point 0: varuint at byte 11 is longer than 8 bytes'
		);
		expect(() => decodeChunk(withBytes([...onePointPrefix, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0]))).toThrow(
			'chunk: steps column, point 0: varuint overflows (72057594037927940 > 2^53)'
		);
		expect(() => decodeChunk(withBytes([1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0]))).toThrow(
			'chunk: header point count: varuint at byte 1 is longer than 8 bytes'
		);
	});

	/** LEB128 bytes of a zigzag-encoded `v`, written independently of the codec (BigInt, no float tricks). */
	function zigzagVarUint(v: bigint): number[] {
		let z = v >= 0n ? v * 2n : -v * 2n - 1n;
		const out: number[] = [];
		while (z >= 0x80n) {
			out.push(Number(z & 0x7fn) | 0x80);
			z >>= 7n;
		}
		out.push(Number(z));
		return out;
	}

	it('rejects a later point that decodes outside ±2^50 or overflows', () => {
		const twoPoints = [1, 2, 0, ...new Array(16).fill(0)];
		const step1 = zigzagVarUint(2n ** 50n + 1n); // from step 0, delta 2^50 + 1
		expect(() => decodeChunk(withBytes([...twoPoints, 0, ...step1, 0, 0]))).toThrow(
			'chunk: steps column, point 1: decodes to 1125899906842625, outside ±2^50'
		);
		const ts = [...zigzagVarUint(2n ** 50n), ...zigzagVarUint(-(2n ** 51n))]; // 2^50, then -2^50 — fine
		expect(plain(decodeChunk(withBytes([...twoPoints, 0, 0, ...ts])))).toEqual(plain(columnsOf([0, 0], [2 ** 50, -(2 ** 50)], [0, 0])));
		const tooFar = [...zigzagVarUint(2n ** 50n), ...zigzagVarUint(-(2n ** 51n) - 1n)];
		expect(() => decodeChunk(withBytes([...twoPoints, 0, 0, ...tooFar]))).toThrow(
			'chunk: timestamps column, point 1: decodes to -1125899906842625, outside ±2^50'
		);
		expect(() => decodeChunk(withBytes([...twoPoints, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toThrow(
			/^chunk: timestamps column, point 1: varuint overflows/
		);
	});

	it('rejects a varint column that decodes outside ±2^50', () => {
		// zigzag 2^53 → delta-of-delta 2^52 → step 2^52: never written by the encoder.
		expect(() => decodeChunk(withBytes([...onePointPrefix, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0]))).toThrow(
			'chunk: steps column, point 0: decodes to 4503599627370496, outside ±2^50'
		);
	});
});
