// The experiment chart workspace's state: its layout (core/workspace) mirrored in the URL's `layout` parameter, the
// runs it draws (the runs table's view less the hidden runs, first N), their panels in sections, and what is not
// kept with the view: the shared zoom, the fullscreen panel and the run under the pointer.
import type { RunRow } from '$lib/core/run-row';
import { DEFAULT_LAYOUT, MAX_TOP_RUNS, type PanelSize, type PanelSpec, type WorkspaceLayout, type WorkspaceX } from '$lib/core/workspace/layout';
import { formatLayoutParam, readLayoutParam } from '$lib/core/workspace/layout-url';
import {
	addPanel,
	buildSections,
	movePanel,
	movePanelTo,
	removePanel,
	resizePanel,
	resolvePanels,
	toggleSection,
	updatePanel,
	type ResolvedPanel,
	type WorkspaceSection
} from '$lib/core/workspace/panels';
import { readWorkspaceMetricKeys, readWorkspaceRuns } from '$lib/core/workspace/runs';
import { parseColumnId } from './columns';
import type { ParallelView, ScatterView } from './plot-state';
import type { RunTableState } from './run-table.svelte';
import { syncQuery } from './url-sync.svelte';
import { startWorkspacePrefetch } from './workspace-prefetch';

// On a workspace page, the overviews its first screen showed last time are asked for as the app's script runs, before
// the page reads its documents (workspace-prefetch.ts).
if (typeof window !== 'undefined' && typeof localStorage !== 'undefined') startWorkspacePrefetch();

/** The URL parameter holding the layout. */
export const LAYOUT_PARAM = 'layout';

export class ChartWorkspaceState {
	layout = $state.raw<WorkspaceLayout>(DEFAULT_LAYOUT);
	/** Why the URL's layout was not used (it did not parse), or null. */
	urlError = $state<string | null>(null);
	/** The shared x range of the line panels (x-axis units), or null for everything; not kept with the view. */
	zoom = $state.raw<[number, number] | null>(null);
	/** The panel shown large, or null. */
	fullscreen = $state<string | null>(null);
	/** The run under the pointer in a scatter or parallel panel. */
	hovered = $state<string | null>(null);

	readonly #table: RunTableState;

	constructor(table: RunTableState) {
		this.#table = table;
	}

	/** The runs drawn, in the table's order. */
	readonly runs: RunRow[] = $derived.by(() => readWorkspaceRuns(this.#table.view, this.#table.group !== null, this.#table.hidden, this.layout.top));
	/** Runs the table's view holds (before the cut to N and the hidden ones). */
	readonly available: number = $derived.by(() => this.#table.view.matched.length);
	readonly hiddenCount: number = $derived.by(() => this.#table.view.matched.filter((r) => this.#table.hidden.has(r.run_id)).length);
	readonly metricKeys: string[] = $derived(readWorkspaceMetricKeys(this.runs));
	readonly panels: ResolvedPanel[] = $derived(resolvePanels(this.layout, this.metricKeys));
	readonly sections: WorkspaceSection[] = $derived(buildSections(this.panels, this.layout));
	/** The table's sort column when it is a metric: what scatter and parallel panels put first by default. */
	readonly primary: string | null = $derived.by(() => {
		const column = this.#table.sort?.column ?? null;
		return column !== null && parseColumnId(column)?.kind === 'metric' ? column : null;
	});

	/** Sets the layout from a URL query (navigation, first load); one that does not parse leaves the default. */
	readUrl(params: URLSearchParams): void {
		const parsed = readLayoutParam(params.get(LAYOUT_PARAM));
		this.urlError = parsed.ok ? null : parsed.error;
		const next = parsed.ok ? parsed.layout : DEFAULT_LAYOUT;
		// The URL written back from this very layout reads as an equal one: keep the object (nothing re-derives).
		if (formatLayoutParam(next) !== formatLayoutParam(this.layout)) this.layout = next;
	}

	/** Keeps the URL's `layout` in step with the layout. Call while a component initialises. */
	syncUrl(): void {
		syncQuery((base) => {
			const value = formatLayoutParam(this.layout);
			if (value === null) base.delete(LAYOUT_PARAM);
			else base.set(LAYOUT_PARAM, value);
			return base;
		});
	}

	setTop(n: number): void {
		if (Number.isFinite(n)) this.layout = { ...this.layout, top: Math.max(1, Math.min(MAX_TOP_RUNS, Math.round(n))) };
	}

	setX(x: WorkspaceX): void {
		this.layout = { ...this.layout, x };
		this.zoom = null; // a range in steps means nothing in time
	}

	setSearch(search: string): void {
		this.layout = { ...this.layout, search };
	}

	setSmoothing(smoothing: number): void {
		this.layout = { ...this.layout, smoothing: Math.max(0, Math.min(0.99, smoothing)) };
	}

	setLogY(logY: boolean): void {
		this.layout = { ...this.layout, logY };
	}

	setZoom(range: [number, number] | null): void {
		this.zoom = range && range[1] > range[0] ? range : null;
	}

	toggleSection(id: string): void {
		this.layout = toggleSection(this.layout, id);
	}

	move(id: string, delta: number): void {
		this.layout = movePanel(this.layout, this.panels, id, delta);
	}

	moveTo(id: string, target: string): void {
		this.layout = movePanelTo(this.layout, this.panels, id, target);
	}

	remove(id: string): void {
		if (this.fullscreen === id) this.fullscreen = null;
		this.layout = removePanel(this.layout, this.panels, id);
	}

	resize(id: string, size: PanelSize): void {
		this.layout = resizePanel(this.layout, this.panels, id, size);
	}

	add(spec: PanelSpec): void {
		this.layout = addPanel(this.layout, this.panels, spec);
	}

	update(id: string, spec: PanelSpec): void {
		const at = this.panels.findIndex((p) => p.id === id);
		this.layout = updatePanel(this.layout, this.panels, id, spec);
		// A panel's id says what it shows: the fullscreen one stays large under its new id.
		if (this.fullscreen === id) this.fullscreen = this.panels[at]?.id ?? null;
	}

	/** Puts every panel back as it comes (keeps the number of runs and the x axis). */
	resetPanels(): void {
		this.layout = { ...this.layout, panels: [], removed: [], collapsed: [] };
	}

	/** The view a scatter or parallel panel reads and sets: its axes in its spec, the hover shared by the workspace. */
	createPlotView(panel: () => ResolvedPanel): ScatterView & ParallelView {
		return new PanelPlotView(this, panel);
	}
}

/** A scatter or parallel panel's axes, read from and written to its spec (the current one: `panel` is a getter). */
class PanelPlotView implements ScatterView, ParallelView {
	// Log scales are a passing look, not kept with the layout.
	scatterLogX = $state(false);
	scatterLogY = $state(false);
	readonly #ws: ChartWorkspaceState;
	readonly #panel: () => ResolvedPanel;

	constructor(ws: ChartWorkspaceState, panel: () => ResolvedPanel) {
		this.#ws = ws;
		this.#panel = panel;
	}

	get hovered(): string | null {
		return this.#ws.hovered;
	}
	set hovered(id: string | null) {
		this.#ws.hovered = id;
	}
	get scatterX(): string | null {
		const spec = this.#panel().spec;
		return spec.type === 'scatter' ? spec.x : null;
	}
	set scatterX(x: string | null) {
		const { id, spec } = this.#panel();
		if (spec.type === 'scatter') this.#ws.update(id, { ...spec, x });
	}
	get scatterY(): string | null {
		const spec = this.#panel().spec;
		return spec.type === 'scatter' ? spec.y : null;
	}
	set scatterY(y: string | null) {
		const { id, spec } = this.#panel();
		if (spec.type === 'scatter') this.#ws.update(id, { ...spec, y });
	}
	get axes(): string[] | null {
		const spec = this.#panel().spec;
		return spec.type === 'parallel' ? spec.axes : null;
	}
	set axes(axes: string[] | null) {
		const { id, spec } = this.#panel();
		if (spec.type === 'parallel') this.#ws.update(id, { ...spec, axes });
	}
}
