// What a scatter plot and parallel coordinates read and set of the view they sit in (the compare page's state, or
// one chart-workspace panel's): their axes, and the run under the pointer that every view of a page highlights.

export interface HoverState {
	/** The run under the pointer or keyboard focus, or null. */
	hovered: string | null;
}

export interface ScatterView extends HoverState {
	/** Column ids (compare-axes.ts); null = the default choice. */
	scatterX: string | null;
	scatterY: string | null;
	scatterLogX: boolean;
	scatterLogY: boolean;
}

export interface ParallelView extends HoverState {
	/** Axes as column ids; null = the default choice, which follows the runs. */
	axes: string[] | null;
}
