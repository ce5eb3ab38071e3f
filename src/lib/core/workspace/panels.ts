// The workspace's panels as drawn: the layout's explicit panels, then a line panel for every other metric the runs
// have logged, each with a stable id, grouped into sections by metric prefix (`train/loss` → `train`; no prefix →
// the default section '') and filtered by the metric search; and the edits a user makes to them (move, remove,
// resize, add, change), each returning a new layout. Pure.
import type { PanelSize, PanelSpec, WorkspaceLayout } from './layout';
import { parseColumnId } from '../table/columns';

export interface ResolvedPanel {
	/** Stable while the panel shows the same thing: `line:train/loss`, `scatter:params.lr|metrics.acc`, `#2` for a repeat. */
	id: string;
	spec: PanelSpec;
	/** Made for a metric nobody placed (not in `layout.panels`). */
	auto: boolean;
	/** Section id: the metric prefix, or '' for the default section. */
	section: string;
}

export interface WorkspaceSection {
	id: string;
	panels: ResolvedPanel[];
	collapsed: boolean;
}

/** The label of the section for metrics without a prefix. */
export const DEFAULT_SECTION_LABEL = 'Charts';

/** A metric key's section: the text before its first `/` (`train/loss` → `train`), or '' when it has none. */
export function readMetricSection(key: string): string {
	const slash = key.indexOf('/');
	return slash > 0 ? key.slice(0, slash) : '';
}

/** The metric keys a panel is about (what the search matches and what sections it by). */
export function readPanelNames(spec: PanelSpec): string[] {
	switch (spec.type) {
		case 'line':
		case 'bar':
			return [spec.metric];
		case 'scatter':
			return [spec.y, spec.x].flatMap((id) => (id === null ? [] : [parseColumnId(id)?.key ?? id]));
		case 'parallel':
			return (spec.axes ?? []).map((id) => parseColumnId(id)?.key ?? id);
	}
}

function readPanelSection(spec: PanelSpec): string {
	if (spec.type === 'line' || spec.type === 'bar') return readMetricSection(spec.metric);
	if (spec.type === 'scatter' && spec.y !== null && parseColumnId(spec.y)?.kind === 'metric') return readMetricSection(parseColumnId(spec.y)!.key);
	return '';
}

function readSignature(spec: PanelSpec): string {
	switch (spec.type) {
		case 'line':
			return spec.metric;
		case 'bar':
			return `${spec.agg}|${spec.metric}`;
		case 'scatter':
			return `${spec.x ?? ''}|${spec.y ?? ''}`;
		case 'parallel':
			return spec.axes === null ? '' : spec.axes.join('|');
	}
}

/** Every panel of the layout for runs that have logged `metricKeys`, in layout order, automatic ones (by key) last. */
export function resolvePanels(layout: WorkspaceLayout, metricKeys: readonly string[]): ResolvedPanel[] {
	const covered = new Set(layout.panels.flatMap((p) => (p.type === 'line' ? [p.metric] : [])));
	const removed = new Set(layout.removed);
	const auto: PanelSpec[] = [...new Set(metricKeys)]
		.filter((k) => !covered.has(k) && !removed.has(k))
		.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
		.map((metric) => ({ type: 'line', size: 'm', metric }));
	const seen = new Map<string, number>();
	return [...layout.panels, ...auto].map((spec, i) => {
		const base = `${spec.type}:${readSignature(spec)}`;
		const n = (seen.get(base) ?? 0) + 1;
		seen.set(base, n);
		return { id: n === 1 ? base : `${base}#${n}`, spec, auto: i >= layout.panels.length, section: readPanelSection(spec) };
	});
}

/**
 * The panels in sections: the default section first, then by prefix; within one, in panel order. With a search,
 * only panels naming a matching metric are kept and sections left empty are dropped.
 */
export function buildSections(panels: readonly ResolvedPanel[], layout: WorkspaceLayout): WorkspaceSection[] {
	const q = layout.search.trim().toLowerCase();
	const collapsed = new Set(layout.collapsed);
	const bySection = new Map<string, ResolvedPanel[]>();
	for (const p of panels) {
		if (q !== '' && !readPanelNames(p.spec).some((n) => n.toLowerCase().includes(q))) continue;
		const list = bySection.get(p.section) ?? [];
		list.push(p);
		bySection.set(p.section, list);
	}
	return [...bySection.keys()]
		.sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, undefined, { numeric: true })))
		.map((id) => ({ id, panels: bySection.get(id)!, collapsed: collapsed.has(id) }));
}

/** The layout with every resolved panel explicit (so an edit can place or change an automatic one). */
function withExplicit(layout: WorkspaceLayout, panels: readonly ResolvedPanel[]): WorkspaceLayout {
	return { ...layout, panels: panels.map((p) => p.spec) };
}

/** Moves panel `id` by `delta` places among the panels of its section (clamped). */
export function movePanel(layout: WorkspaceLayout, panels: readonly ResolvedPanel[], id: string, delta: number): WorkspaceLayout {
	const at = panels.findIndex((p) => p.id === id);
	if (at < 0 || delta === 0) return layout;
	const peers = panels.flatMap((p, i) => (p.section === panels[at].section ? [i] : []));
	const from = peers.indexOf(at);
	const to = Math.max(0, Math.min(peers.length - 1, from + delta));
	if (to === from) return layout;
	return movePanelTo(layout, panels, id, panels[peers[to]].id);
}

/** Moves panel `id` to the place of panel `target` of the same section (a drop); the panels between shift over. */
export function movePanelTo(layout: WorkspaceLayout, panels: readonly ResolvedPanel[], id: string, target: string): WorkspaceLayout {
	const from = panels.findIndex((p) => p.id === id);
	const to = panels.findIndex((p) => p.id === target);
	if (from < 0 || to < 0 || from === to || panels[from].section !== panels[to].section) return layout;
	const list = [...panels];
	const [moved] = list.splice(from, 1);
	list.splice(to, 0, moved);
	return withExplicit(layout, list);
}

/** `removed` plus the metric of `gone` when no line panel of `rest` shows it (so no automatic one comes back). */
function readRemoved(layout: WorkspaceLayout, gone: PanelSpec, rest: readonly PanelSpec[]): string[] {
	if (gone.type !== 'line' || layout.removed.includes(gone.metric)) return layout.removed;
	return rest.some((p) => p.type === 'line' && p.metric === gone.metric) ? layout.removed : [...layout.removed, gone.metric];
}

/** Removes panel `id`; a metric left without a line panel is remembered as removed. */
export function removePanel(layout: WorkspaceLayout, panels: readonly ResolvedPanel[], id: string): WorkspaceLayout {
	const gone = panels.find((p) => p.id === id);
	if (!gone) return layout;
	const rest = panels.filter((p) => p !== gone);
	return { ...layout, removed: readRemoved(layout, gone.spec, rest.map((p) => p.spec)), panels: rest.filter((p) => !p.auto).map((p) => p.spec) };
}

/** Changes what panel `id` shows (its type, axes, aggregate or size), in place. */
export function updatePanel(layout: WorkspaceLayout, panels: readonly ResolvedPanel[], id: string, spec: PanelSpec): WorkspaceLayout {
	const old = panels.find((p) => p.id === id);
	if (!old) return layout;
	const next = panels.map((p) => (p === old ? spec : p.spec));
	return { ...layout, removed: readRemoved(layout, old.spec, next), panels: next };
}

export function resizePanel(layout: WorkspaceLayout, panels: readonly ResolvedPanel[], id: string, size: PanelSize): WorkspaceLayout {
	const p = panels.find((x) => x.id === id);
	return p && p.spec.size !== size ? updatePanel(layout, panels, id, { ...p.spec, size } as PanelSpec) : layout;
}

/** Adds a panel at the end of its section's panels; a line panel brings its metric back if it was removed. */
export function addPanel(layout: WorkspaceLayout, panels: readonly ResolvedPanel[], spec: PanelSpec): WorkspaceLayout {
	const removed = spec.type === 'line' ? layout.removed.filter((k) => k !== spec.metric) : layout.removed;
	return { ...withExplicit(layout, panels), removed, panels: [...panels.map((p) => p.spec), spec] };
}

/** Collapses or expands section `id`. */
export function toggleSection(layout: WorkspaceLayout, id: string): WorkspaceLayout {
	const collapsed = layout.collapsed.includes(id) ? layout.collapsed.filter((s) => s !== id) : [...layout.collapsed, id];
	return { ...layout, collapsed };
}
