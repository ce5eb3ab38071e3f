// What a virtualised table's viewport shows: the rows and the unpinned columns in view, plus overscan. The rows
// themselves (filtered, sorted, grouped) come from core/table/table-view.ts.

/** Which items a viewport shows: `[start, end)` with `overscan` extra items each side. `rowHeight` in px. */
export function readVisibleRange(
	scrollTop: number,
	viewportHeight: number,
	rowHeight: number,
	count: number,
	overscan = 6
): { start: number; end: number } {
	const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
	const last = Math.ceil((Math.max(0, scrollTop) + viewportHeight) / rowHeight);
	return { start: Math.max(0, Math.min(count, first - overscan)), end: Math.min(count, last + overscan) };
}

/**
 * Which unpinned columns a viewport shows horizontally: indices `[start, end)` into `widths` (the unpinned columns'
 * widths in px, left to right), given the scroll offset and the width left after the pinned columns.
 */
export function readVisibleColumns(widths: readonly number[], scrollLeft: number, viewportWidth: number, overscanPx = 200): { start: number; end: number; offset: number } {
	let x = 0;
	let start = 0;
	const from = Math.max(0, scrollLeft - overscanPx);
	const to = scrollLeft + viewportWidth + overscanPx;
	while (start < widths.length && x + widths[start] <= from) x += widths[start++];
	const offset = x;
	let end = start;
	while (end < widths.length && x < to) x += widths[end++];
	return { start, end, offset };
}
