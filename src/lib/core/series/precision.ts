// A logged number as charts read it out (hover values, a metric on x): to the precision it was logged with, not
// the 17 digits a float64 prints. A float32 value widened to float64 (PyTorch's `loss.item()`, numpy float32) shows
// its shortest float32 spelling (0.1f prints 0.1, not 0.10000000149011612); any other value shows at most 15
// significant digits, which drops float noise (0.1 + 0.2 prints 0.3) and keeps every digit a person typed. Pure.

/** Significant digits past which float64 spellings carry only noise. */
const DOUBLE_DIGITS = 15;

/** `v` spelled to the precision it carries; NaN and ±Infinity spelled out. */
export function formatPrecise(v: number): string {
	if (Number.isNaN(v)) return 'NaN';
	if (v === Infinity) return '∞';
	if (v === -Infinity) return '−∞';
	if (v === 0 || (Number.isInteger(v) && Math.abs(v) < 2 ** 53)) return String(v);
	if (Math.fround(v) === v) {
		// The shortest spelling that reads back as this float32 (at most 9 digits do).
		for (let p = 1; p <= 9; p++) {
			const s = v.toPrecision(p);
			if (Math.fround(Number(s)) === v) return String(Number(s));
		}
	}
	return String(Number(v.toPrecision(DOUBLE_DIGITS)));
}
