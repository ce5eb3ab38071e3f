// The experiment chart workspace's layout as a plain, serialisable object (kept in the URL now, storable with a
// saved view later): how many runs, the shared x axis, the panels the user placed, removed or collapsed, and the
// metric search. One versioned parser turns untrusted JSON into a layout or says precisely what is wrong. Pure.
import { isValidKey } from '../schema';
import { parseColumnId } from '../table/columns';

export const LAYOUT_VERSION = 1;

export const PANEL_TYPES = ['line', 'scatter', 'bar', 'parallel'] as const;
export type PanelType = (typeof PANEL_TYPES)[number];

/** Grid spans: small (a third of the row), medium (half), large (the whole row). */
export const PANEL_SIZES = ['s', 'm', 'l'] as const;
export type PanelSize = (typeof PANEL_SIZES)[number];

export const BAR_AGGREGATES = ['last', 'min', 'max'] as const;
export type BarAggregate = (typeof BAR_AGGREGATES)[number];

export const WORKSPACE_X_KINDS = ['step', 'time', 'relative'] as const;
/** What line panels put on x: the step, wall-clock time, time since each run's first point, or another metric
 * (its value at the same step). */
export type WorkspaceX = (typeof WORKSPACE_X_KINDS)[number] | { metric: string };

export type PanelSpec =
	| { type: 'line'; size: PanelSize; metric: string }
	| { type: 'bar'; size: PanelSize; metric: string; agg: BarAggregate }
	/** Column ids (`params.lr`, `metrics.loss@min`); null = the default axis. */
	| { type: 'scatter'; size: PanelSize; x: string | null; y: string | null }
	/** Column ids; null = the default axes. */
	| { type: 'parallel'; size: PanelSize; axes: string[] | null };

export interface WorkspaceLayout {
	version: typeof LAYOUT_VERSION;
	/** How many of the table's runs the panels draw (its first N by its sort), 1..MAX_TOP_RUNS. */
	top: number;
	x: WorkspaceX;
	/** EMA weight in [0, 1): 0 = no smoothing. */
	smoothing: number;
	logY: boolean;
	/** Panels placed explicitly, in order; a line panel for every other metric follows them (unless removed). */
	panels: PanelSpec[];
	/** Metric keys whose automatic line panel was removed. */
	removed: string[];
	/** Collapsed sections by id ('' is the section of metrics without a prefix). */
	collapsed: string[];
	/** Filter over metric names (case-insensitive substring). */
	search: string;
}

export const DEFAULT_TOP_RUNS = 10;
export const MAX_TOP_RUNS = 100;
/** Most panels a layout may hold explicitly (a URL must stay a URL). */
export const MAX_PANELS = 200;
export const MAX_SEARCH_LENGTH = 200;

export const DEFAULT_LAYOUT: WorkspaceLayout = {
	version: LAYOUT_VERSION,
	top: DEFAULT_TOP_RUNS,
	x: 'step',
	smoothing: 0,
	logY: false,
	panels: [],
	removed: [],
	collapsed: [],
	search: ''
};

export type LayoutParse = { ok: true; layout: WorkspaceLayout } | { ok: false; error: string };

class LayoutError extends Error {}

function fail(message: string): never {
	throw new LayoutError(message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readMetricKey(v: unknown, at: string): string {
	if (!isValidKey(v)) fail(`${at}: not a metric key: ${JSON.stringify(v)}`);
	return v;
}

function readColumn(v: unknown, at: string): string | null {
	if (v === null) return null;
	if (typeof v !== 'string' || parseColumnId(v) === null) fail(`${at}: not a column id: ${JSON.stringify(v)}`);
	return v;
}

function readOneOf<T extends string>(v: unknown, options: readonly T[], at: string): T {
	if (!(options as readonly unknown[]).includes(v)) fail(`${at}: expected one of ${options.join(', ')}, got ${JSON.stringify(v)}`);
	return v as T;
}

function readX(v: unknown): WorkspaceX {
	if (isRecord(v)) return { metric: readMetricKey(v.metric, 'x.metric') };
	return readOneOf(v, WORKSPACE_X_KINDS, 'x');
}

function readPanel(v: unknown, at: string): PanelSpec {
	if (!isRecord(v)) fail(`${at}: not an object`);
	const type = readOneOf(v.type, PANEL_TYPES, `${at}.type`);
	const size = readOneOf(v.size, PANEL_SIZES, `${at}.size`);
	switch (type) {
		case 'line':
			return { type, size, metric: readMetricKey(v.metric, `${at}.metric`) };
		case 'bar':
			return { type, size, metric: readMetricKey(v.metric, `${at}.metric`), agg: readOneOf(v.agg, BAR_AGGREGATES, `${at}.agg`) };
		case 'scatter':
			return { type, size, x: readColumn(v.x ?? null, `${at}.x`), y: readColumn(v.y ?? null, `${at}.y`) };
		case 'parallel': {
			if (v.axes === null || v.axes === undefined) return { type, size, axes: null };
			if (!Array.isArray(v.axes) || v.axes.length > 50) fail(`${at}.axes: expected null or up to 50 column ids`);
			return { type, size, axes: v.axes.map((a, i) => readColumn(a, `${at}.axes[${i}]`)!).filter((a) => a !== null) };
		}
	}
}

function readStrings(v: unknown, at: string, each: (s: unknown, at: string) => string): string[] {
	if (v === undefined) return [];
	if (!Array.isArray(v) || v.length > MAX_PANELS) fail(`${at}: expected a list of at most ${MAX_PANELS}`);
	return [...new Set(v.map((s, i) => each(s, `${at}[${i}]`)))];
}

/** A section id: '' (no prefix) or a metric key prefix. */
function readSectionId(v: unknown, at: string): string {
	if (v === '') return '';
	return readMetricKey(v, at);
}

/**
 * Reads a stored or linked layout (untrusted JSON). Missing optional fields take their defaults; anything present
 * must be valid. A layout of a newer version is refused rather than misread.
 */
export function parseWorkspaceLayout(v: unknown): LayoutParse {
	try {
		if (!isRecord(v)) fail('layout: not an object');
		if (v.version !== LAYOUT_VERSION) fail(`version: expected ${LAYOUT_VERSION}, got ${JSON.stringify(v.version)}`);
		const top = v.top ?? DEFAULT_TOP_RUNS;
		if (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > MAX_TOP_RUNS) fail(`top: expected a whole number in 1..${MAX_TOP_RUNS}`);
		const smoothing = v.smoothing ?? 0;
		if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing < 1)) fail('smoothing: expected a number in [0, 1)');
		const logY = v.logY ?? false;
		if (typeof logY !== 'boolean') fail('logY: expected a boolean');
		const search = v.search ?? '';
		if (typeof search !== 'string' || search.length > MAX_SEARCH_LENGTH) fail(`search: expected text of at most ${MAX_SEARCH_LENGTH} characters`);
		const panels = v.panels ?? [];
		if (!Array.isArray(panels) || panels.length > MAX_PANELS) fail(`panels: expected a list of at most ${MAX_PANELS}`);
		return {
			ok: true,
			layout: {
				version: LAYOUT_VERSION,
				top,
				x: readX(v.x ?? 'step'),
				smoothing,
				logY,
				panels: panels.map((p, i) => readPanel(p, `panels[${i}]`)),
				removed: readStrings(v.removed, 'removed', readMetricKey),
				collapsed: readStrings(v.collapsed, 'collapsed', readSectionId),
				search
			}
		};
	} catch (e) {
		if (e instanceof LayoutError) return { ok: false, error: e.message };
		throw e;
	}
}

/** Whether two x choices are the same. */
export function isSameX(a: WorkspaceX, b: WorkspaceX): boolean {
	return typeof a === 'string' || typeof b === 'string' ? a === b : a.metric === b.metric;
}
