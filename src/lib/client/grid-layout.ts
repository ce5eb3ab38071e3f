// Where the runs table's columns go horizontally: pinned columns at fixed offsets after the checkbox column, then
// the window of unpinned columns in view after a spacer. Computed once per scroll, shared by header and rows.
import type { Column } from './columns';
import { readVisibleColumns } from './table-view';

/** Width of the selection checkbox column, px. */
export const CHECK_WIDTH = 36;

export interface GridLayout {
	pinned: Column[];
	/** Left offset (px) of each pinned column, for `position: sticky`. */
	pinnedLeft: number[];
	/** The unpinned columns in view. */
	free: Column[];
	/** Width (px) of the unpinned columns scrolled past, before `free`. */
	offset: number;
	/** CSS width of a row: the viewport, or all columns if wider. */
	width: string;
}

/** Lays out `columns` for a viewport `viewWidth` px wide scrolled `scrollLeft` px sideways. */
export function createGridLayout(columns: readonly Column[], scrollLeft: number, viewWidth: number): GridLayout {
	const pinned = columns.filter((c) => c.pinned);
	const unpinned = columns.filter((c) => !c.pinned);
	const pinnedLeft: number[] = [];
	let x = CHECK_WIDTH;
	for (const c of pinned) {
		pinnedLeft.push(x);
		x += c.width;
	}
	const widths = unpinned.map((c) => c.width);
	const range = readVisibleColumns(widths, scrollLeft, Math.max(0, viewWidth - x));
	const total = x + widths.reduce((s, w) => s + w, 0);
	return { pinned, pinnedLeft, free: unpinned.slice(range.start, range.end), offset: range.offset, width: `max(100%, ${total}px)` };
}
