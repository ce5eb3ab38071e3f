// Performance marks and measures the UI exposes (all prefixed `tandem:`), read by bench/ui-*.ts in headless Chromium.

export const PERF = {
	/**
	 * Page start → the first runs painted in the table, from whatever the documents hold by then (IndexedDB or the
	 * relay). "Page start" is navigation start for the page's first view, else when the view opened its documents.
	 */
	firstRows: 'tandem:runs-first-rows',
	/** Navigation (or the view opening) → the first rows painted from any source, a remembered first screen included. */
	firstScreen: 'tandem:runs-first-screen',
	/** Navigation → the runs table page mounted (hydrated, when the server rendered it): it answers input. Once per load. */
	runsInteractive: 'tandem:runs-interactive',
	/** Page start (as for firstRows) → the table painted with both of the experiment's documents synced. */
	runsComplete: 'tandem:runs-complete',
	/** Both documents synced with the relay; the table is not updated yet. */
	runsLoaded: 'tandem:runs-loaded',
	/** runsLoaded → the table painted (the table's own share of the first render). */
	firstRender: 'tandem:runs-first-render',
	/** A keystroke in the filter box. */
	filterInput: 'tandem:filter-input',
	/** filterInput → the filtered table painted. */
	filter: 'tandem:filter',
	/** A click on a column header. */
	sortInput: 'tandem:sort-input',
	/** sortInput → the sorted table painted. */
	sort: 'tandem:sort',
	/** One chart frame rebuilt from its buffers (downsample, align, uPlot draw); detail {points, drawn}. */
	chartDraw: 'tandem:chart-draw',
	/** A zoom selected on a chart. */
	chartZoomInput: 'tandem:chart-zoom-input',
	/** The frame drawn for a zoom (re-bucketed from the full-resolution points): its work, from frame start. */
	chartZoom: 'tandem:chart-zoom'
} as const;

/**
 * Measures `name` from the mark `start` to the next paint: a rAF callback runs just before the frame is painted,
 * and a task queued from it runs just after.
 */
export function markAfterPaint(name: string, start: string): void {
	requestAnimationFrame(() => setTimeout(() => performance.measure(name, start)));
}

/** Measures `name` from `start` (ms on the performance timeline; 0 is navigation start) to the next paint. */
export function measureSinceToPaint(name: string, start: number): void {
	requestAnimationFrame(() => setTimeout(() => performance.measure(name, { start })));
}

/** The `elementtiming` identifier of the runs table's row links: their first paint is the first screen's. */
export const FIRST_SCREEN_ELEMENT = 'runs-first-screen';

/**
 * Measures PERF.firstScreen from `start`. A page load's (start 0) is the first paint of a runs table row as the
 * browser reports it (Element Timing), so a screen the server rendered counts from when its HTML painted, before the
 * app ran; an in-app view's, whose rows may reuse elements already painted, is the next paint.
 */
export function measureFirstScreen(start: number): void {
	if (start !== 0 || !PerformanceObserver.supportedEntryTypes?.includes('element')) return measureSinceToPaint(PERF.firstScreen, start);
	const observer = new PerformanceObserver((list) => {
		const entry = list.getEntries().find((e) => (e as PerformanceEntry & { identifier?: string }).identifier === FIRST_SCREEN_ELEMENT);
		if (!entry) return;
		observer.disconnect();
		const timing = entry as PerformanceEntry & { renderTime: number; loadTime: number };
		performance.measure(PERF.firstScreen, { start: 0, end: timing.renderTime || timing.loadTime || entry.startTime });
	});
	observer.observe({ type: 'element', buffered: true });
}

/** Marks `start` now and measures `name` from it to the next paint. */
export function measureToPaint(name: string, start: string): void {
	performance.mark(start);
	markAfterPaint(name, start);
}
