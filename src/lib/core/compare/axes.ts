// Axes for the compare page's scatter plot and parallel coordinates: numeric values on a linear or log scale
// (min to max, optionally padded, with round ticks), anything else as ordered categorical bands. Positions are
// unit fractions (0 = the axis start, 1 = its end), so the drawing code only multiplies by its pixel length.

/** A value an axis places: a metric (number), a param or tag (string, numeric if it reads as a number), or missing. */
export type AxisValue = string | number | undefined;

export const AXIS_SCALES = ['linear', 'log'] as const;
export type AxisScale = (typeof AXIS_SCALES)[number];

export interface NumericAxis {
	kind: 'numeric';
	/** `log` only when asked for and every value is > 0. */
	scale: AxisScale;
	/** The domain (min ≤ max, min < max after padding; > 0 on a log scale). */
	min: number;
	max: number;
	/** Round values within [min, max], ascending. */
	ticks: number[];
}

export interface BandAxis {
	kind: 'band';
	/** Distinct values, sorted numeric-aware (`2` before `10`); band i is centred at (i + 0.5) / length. */
	categories: string[];
}

export type Axis = NumericAxis | BandAxis;

export interface AxisOptions {
	/** Numeric values on a log scale when all are > 0 (default linear). */
	scale?: AxisScale;
	/** Fraction of the span added at each end of a numeric axis (default 0: exactly min to max). */
	pad?: number;
	/** About how many ticks a numeric axis gets (default 5). */
	tickCount?: number;
}

const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

/** The number a value stands for: finite numbers as they are, numeric text parsed; null for anything else. */
export function readAxisNumber(v: AxisValue): number | null {
	if (typeof v === 'number') return Number.isFinite(v) ? v : null;
	if (typeof v === 'string' && NUMBER_TEXT.test(v)) {
		const n = Number(v);
		return Number.isFinite(n) ? n : null;
	}
	return null;
}

/** Missing values and NaN place nowhere; ±Infinity cannot be placed on a numeric axis either. */
function isPresent(v: AxisValue): v is string | number {
	return v !== undefined && !(typeof v === 'number' && Number.isNaN(v));
}

/** Round ticks within [min, max]: steps of 1, 2 or 5 × 10^k, about `count` of them (between count/2 and 2·count). */
export function readLinearTicks(min: number, max: number, count = 5): number[] {
	if (!(max > min) || !Number.isFinite(max - min)) return Number.isFinite(min) ? [min] : [];
	const raw = (max - min) / Math.max(1, count);
	const mag = 10 ** Math.floor(Math.log10(raw));
	// The 1-2-5 step nearest to raw on a log scale (d3's rule), so the count lands near `count`.
	const err = raw / mag;
	const step = mag * (err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.SQRT2 ? 2 : 1);
	const ticks: number[] = [];
	const slack = Math.max(Math.abs(min), Math.abs(max)) * 1e-12; // float noise only
	for (let k = Math.floor(min / step); k <= Math.ceil(max / step); k++) {
		const t = Number((k * step).toPrecision(12));
		if (t >= min - slack && t <= max + slack) ticks.push(t);
	}
	return ticks;
}

/** Ticks on a log scale: powers of ten within [min, max], with 2× and 5× between them when there are few decades. */
export function readLogTicks(min: number, max: number): number[] {
	if (!(min > 0 && max > min)) return min > 0 ? [min] : [];
	const lo = Math.floor(Math.log10(min));
	const hi = Math.ceil(Math.log10(max));
	const mults = Math.log10(max / min) <= 2 ? [1, 2, 5] : [1];
	const ticks: number[] = [];
	for (let e = lo; e <= hi; e++) {
		for (const m of mults) {
			const t = Number((m * 10 ** e).toPrecision(12));
			if (t >= min * (1 - 1e-12) && t <= max * (1 + 1e-12)) ticks.push(t);
		}
	}
	return ticks;
}

function createNumericAxis(nums: number[], opts: AxisOptions): NumericAxis {
	const log = opts.scale === 'log' && nums.every((n) => n > 0);
	const f = log ? Math.log10 : (x: number) => x;
	const g = log ? (x: number) => 10 ** x : (x: number) => x;
	let lo = Infinity;
	let hi = -Infinity;
	for (const n of nums) {
		const t = f(n);
		if (t < lo) lo = t;
		if (t > hi) hi = t;
	}
	if (nums.length === 0) [lo, hi] = [0, 1];
	if (lo === hi) {
		// One distinct value: centre it.
		const half = log ? 0.5 : lo === 0 ? 1 : Math.abs(lo) / 2;
		[lo, hi] = [lo - half, hi + half];
	} else if (opts.pad) {
		const p = (hi - lo) * opts.pad;
		[lo, hi] = [lo - p, hi + p];
	}
	const min = g(lo);
	const max = g(hi);
	return { kind: 'numeric', scale: log ? 'log' : 'linear', min, max, ticks: log ? readLogTicks(min, max) : readLinearTicks(min, max, opts.tickCount) };
}

/**
 * The axis for `values`: numeric when every present value is a finite number or numeric text (±Infinity count as
 * present but not numeric, so a metric holding them becomes bands), bands otherwise. Missing values and NaN are
 * ignored. No values at all gives a numeric axis over [0, 1].
 */
export function createAxis(values: readonly AxisValue[], opts: AxisOptions = {}): Axis {
	const present = values.filter(isPresent);
	const nums = present.map(readAxisNumber);
	if (nums.every((n) => n !== null)) return createNumericAxis(nums as number[], opts);
	const categories = [...new Set(present.map((v) => String(v)))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
	return { kind: 'band', categories };
}

/** Where `v` sits on `axis` as a fraction of its length (0 = min, 1 = max); null when it has no place. */
export function readAxisPosition(axis: Axis, v: AxisValue): number | null {
	if (!isPresent(v)) return null;
	if (axis.kind === 'band') {
		const i = axis.categories.indexOf(String(v));
		return i < 0 ? null : (i + 0.5) / axis.categories.length;
	}
	const n = readAxisNumber(v);
	if (n === null) return null;
	if (axis.scale === 'log') return n > 0 ? (Math.log10(n) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min)) : null;
	return (n - axis.min) / (axis.max - axis.min);
}

/** The tick marks of `axis` as (value label source, unit position) pairs: numeric ticks, or one per band. */
export function readAxisTicks(axis: Axis): { value: string | number; at: number }[] {
	if (axis.kind === 'band') return axis.categories.map((c, i) => ({ value: c, at: (i + 0.5) / axis.categories.length }));
	return axis.ticks.map((t) => ({ value: t, at: readAxisPosition(axis, t) ?? 0 }));
}
