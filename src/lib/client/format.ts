// How numbers and times read in the UI: metric values short but exact enough to compare (their full value in a
// tooltip), numeric params without binary float noise, times relative to now.

/** A metric value in at most ~5 significant digits; NaN and ±Infinity spelled out, tiny/huge values in e-notation. */
export function formatMetric(v: number): string {
	if (Number.isNaN(v)) return 'NaN';
	if (v === Infinity) return '∞';
	if (v === -Infinity) return '−∞';
	if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
	const abs = Math.abs(v);
	if (abs !== 0 && (abs >= 1e6 || abs < 1e-4)) return v.toExponential(3).replace(/\.?0+e/, 'e');
	return String(Number(v.toPrecision(5)));
}

/** A number as exactly as it is held (the shortest text that reads back as it, up to 17 digits): for tooltips. */
export function formatNumberFull(v: number): string {
	if (Number.isNaN(v)) return 'NaN';
	if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
	return String(v);
}

const DECIMAL_TEXT = /^\s*[-+]?\d*\.\d+(?:[eE][-+]?\d+)?\s*$/;

/**
 * A param value as shown: text as logged, except a decimal carrying binary float noise past 15 significant digits
 * ("0.30000000000000004", from a float printed at 17 digits), which reads as the number it stands for ("0.3").
 */
export function formatParamValue(text: string): string {
	if (text.length < 17 || !DECIMAL_TEXT.test(text)) return text;
	const v = Number(text);
	return Number.isFinite(v) ? String(Number(v.toPrecision(15))) : text;
}

/** `ms` (since the epoch) relative to `now`: "just now", "5 min ago", "3 h ago", else the local date. */
export function formatTimeAgo(ms: number, now: number): string {
	if (!Number.isFinite(ms) || ms <= 0) return '—';
	const s = Math.max(0, Math.round((now - ms) / 1000));
	if (s < 45) return 'just now';
	if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
	if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
	return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** A duration in ms as "850 ms", "42 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(ms: number): string {
	if (!Number.isFinite(ms) || ms < 0) return '—';
	if (ms < 1000) return `${Math.round(ms)} ms`;
	const s = Math.round(ms / 1000);
	if (s < 60) return `${s} s`;
	if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
	return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Time a running run has been running, in whole seconds ("<1 s" at first, then as formatDuration). */
export function formatElapsed(ms: number): string {
	if (!Number.isFinite(ms)) return '—';
	return ms < 1000 ? '<1 s' : formatDuration(Math.floor(ms / 1000) * 1000);
}

/** A duration in ms for a chart tick: "850ms", "42s", "3m05s", "2h10m". */
export function formatDurationShort(ms: number): string {
	if (!Number.isFinite(ms)) return '—';
	const sign = ms < 0 ? '−' : '';
	const a = Math.abs(ms);
	if (a < 1000) return `${sign}${Math.round(a)}ms`;
	if (a < 60_000) return `${sign}${Number((a / 1000).toPrecision(3))}s`;
	const s = Math.round(a / 1000);
	const pad = (n: number) => String(n).padStart(2, '0');
	if (s < 3600) return `${sign}${Math.floor(s / 60)}m${pad(s % 60)}s`;
	return `${sign}${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}
