// TensorBoard-style smoothing of a metric series: an exponential moving average debiased for its zero start,
// drawn over the faded raw line.

/**
 * Below this magnitude the running average flushes to zero. A decaying product otherwise gets stuck in the
 * subnormal range (0.6 × 5e-324 rounds back to 5e-324), where every multiply is ~50× slower.
 */
const TINY = 1e-300;

/**
 * Debiased EMA: s_k = (w·s_{k-1} + (1-w)·y) / (1 - w^n), n = number of finite points folded so far, s_0 = 0.
 * `weight` is in [0, 1); 0 returns a copy. Non-finite ys (NaN, ±Infinity) pass through unchanged and are not
 * folded in, so one NaN never poisons the points after it. A series whose values are all equal is returned as is
 * (no rounding drift), as TensorBoard does. Index i of the output pairs with index i of the input. The running
 * average flushes to 0 below 1e-300 in magnitude (keeps it out of slow subnormal arithmetic). O(n).
 */
export function smoothEma(ys: Float64Array, weight: number): Float64Array {
	if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
	const out = new Float64Array(ys.length);
	if (weight === 0 || isConstant(ys)) {
		out.set(ys);
		return out;
	}
	let last = 0;
	let decay = 1; // weight^n
	for (let i = 0; i < ys.length; i++) {
		const y = ys[i];
		if (!Number.isFinite(y)) {
			out[i] = y;
			continue;
		}
		last = last * weight + (1 - weight) * y;
		if (last < TINY && last > -TINY) last = 0;
		if (decay !== 0) decay = decay * weight < Number.EPSILON / 4 ? 0 : decay * weight;
		out[i] = last / (1 - decay);
	}
	return out;
}

function isConstant(ys: Float64Array): boolean {
	for (let i = 1; i < ys.length; i++) if (!Object.is(ys[i], ys[0])) return false;
	return true;
}
