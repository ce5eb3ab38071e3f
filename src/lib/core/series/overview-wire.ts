// `POST /api/series/overview` (README "API"): many series' overviews in one round trip. The request is JSON,
// `{series: [{run_id, key}], points}`; the answer is binary: a varuint count, then per requested series, in request
// order, a varuint length and one metric chunk (chunk.ts: steps, timestamps, values) of at most `points` points.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { decodeChunk, encodeChunk, type SeriesColumns } from '../chunk';
import { invalid } from '../errors';
import { isRunId } from '../ids';
import { checkKey } from '../validate';

/** Most series one request may name (six panels of 100 runs, with room). */
export const MAX_OVERVIEW_SERIES = 1_000;
/** Most points a series' overview may be asked for (the server answers at most 2 × OVERVIEW_BUCKETS). */
export const MAX_OVERVIEW_POINTS = 10_000;

export interface OverviewRequest {
	series: { runId: string; key: string }[];
	/** At least 2. */
	points: number;
}

/** Parses and validates an overview request body; a bad entry is named by its index. Throws INVALID_PARAMETER_VALUE. */
export function parseOverviewRequest(body: unknown): OverviewRequest {
	const { series, points } = (body ?? {}) as { series?: unknown; points?: unknown };
	if (!Array.isArray(series) || series.length === 0) throw invalid(`'series' must be a non-empty array of {run_id, key}`);
	if (series.length > MAX_OVERVIEW_SERIES) throw invalid(`'series' names ${series.length} series; at most ${MAX_OVERVIEW_SERIES} per request`);
	if (typeof points !== 'number' || !Number.isInteger(points) || points < 2 || points > MAX_OVERVIEW_POINTS) {
		throw invalid(`'points' must be an integer from 2 to ${MAX_OVERVIEW_POINTS}`);
	}
	return {
		points,
		series: series.map((s: unknown, i) => {
			const { run_id, key } = (s ?? {}) as { run_id?: unknown; key?: unknown };
			if (typeof run_id !== 'string' || !isRunId(run_id)) throw invalid(`series[${i}]: 'run_id' must be 32 hexadecimal characters`);
			try {
				return { runId: run_id, key: checkKey(key, 'Metric') };
			} catch (e) {
				throw invalid(`series[${i}]: ${(e as Error).message}`);
			}
		})
	};
}

export function encodeOverviewAnswer(series: readonly SeriesColumns[]): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, series.length);
	for (const cols of series) encoding.writeVarUint8Array(enc, encodeChunk(cols));
	return encoding.toUint8Array(enc);
}

/** The overviews of an answer, in request order; throws on a truncated or malformed answer. */
export function decodeOverviewAnswer(bytes: Uint8Array): SeriesColumns[] {
	const dec = decoding.createDecoder(bytes);
	const n = decoding.readVarUint(dec);
	const out: SeriesColumns[] = [];
	for (let i = 0; i < n; i++) out.push(decodeChunk(decoding.readVarUint8Array(dec)));
	if (decoding.hasContent(dec)) throw new Error('trailing bytes after the overview answer');
	return out;
}
