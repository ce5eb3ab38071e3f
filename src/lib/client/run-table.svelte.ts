// The runs table's state: the view (filter, sort, columns and their widths, pins, group, selection, runs hidden from
// the charts, expanded parents, deleted toggle) mirrored in the URL, the derived table (filtered, sorted, nested,
// grouped rows and their columns) and the keyboard-focused row. While the rows are a first screen, its parents carry
// the child counts it came with (their children are not among its rows), so they show expanders from the first paint.
import { parseRunQuery, compileRunQuery, type RunQueryResult } from '$lib/core/query/run-query';
import type { RunRow } from '$lib/core/run-row';
import { createColumns, moveColumnId, orderColumnIds, parseColumnId, readAvailableColumnIds, readDefaultColumnIds, type Column } from './columns';
import { createTableItems, createTableOrder, type TableItem, type TableOrder, type TableView } from '$lib/core/table/table-view';
import { formatRowViewKey } from '$lib/core/table/row-view';
import type { FirstScreen } from './first-screen';
import { DEFAULT_PINNED, MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH, readTableUrlState, writeTableUrlState, type TableUrlState } from './url-state';
import { syncQuery } from './url-sync.svelte';
import type { RunRowsView } from './run-rows.svelte';

export class RunTableState {
	filter = $state('');
	sort = $state.raw<TableUrlState['sort']>(null);
	/** Explicit column ids, or null for the defaults (which follow new keys as runs log them). */
	columnIds = $state.raw<string[] | null>(null);
	pinnedIds = $state.raw<string[] | null>(null);
	group = $state<string | null>(null);
	selected = $state.raw<ReadonlySet<string>>(new Set());
	/** Runs listed in the table but left out of every chart (the per-row eye toggle). */
	hidden = $state.raw<ReadonlySet<string>>(new Set());
	showDeleted = $state(false);
	collapsed = $state.raw<ReadonlySet<string>>(new Set());
	/** Parent runs shown with their children. */
	expanded = $state.raw<ReadonlySet<string>>(new Set());
	/** Column id → px, for the columns resized from their default width. */
	widths = $state.raw<Readonly<Record<string, number>>>({});
	/** Index into `view.items` of the keyboard-focused item. */
	focused = $state(0);

	readonly #rows: RunRowsView;
	/** The first screen the provisional rows came from, if any. */
	readonly #screen: () => Pick<FirstScreen, 'view' | 'children'> | null;
	/** The last query that parsed: while the box holds a bad one, the table keeps the last good filter. */
	#lastGood: ((row: RunRow) => boolean) | null = null;

	/** `screen`: the first screen `rows` shows while provisional (see RunRowsView), whose parents' child counts it keeps. */
	constructor(rows: RunRowsView, screen: () => Pick<FirstScreen, 'view' | 'children'> | null = () => null) {
		this.#rows = rows;
		this.#screen = screen;
	}

	readonly query: RunQueryResult = $derived(parseRunQuery(this.filter));
	readonly filterFn = $derived.by(() => {
		if (this.query.ok) this.#lastGood = this.query.query.type === 'all' ? null : compileRunQuery(this.query.query, { now: Date.now() });
		return this.#lastGood;
	});
	readonly pinned: ReadonlySet<string> = $derived(new Set(this.pinnedIds ?? DEFAULT_PINNED));
	readonly shownIds: string[] = $derived.by(() => orderColumnIds(this.columnIds ?? readDefaultColumnIds(this.#rows.keys), this.pinned));
	readonly columns: Column[] = $derived(createColumns(this.shownIds, this.pinned, this.widths));
	readonly availableIds: string[] = $derived.by(() => readAvailableColumnIds(this.#rows.keys));
	readonly groupOptions: string[] = $derived.by(() => [...this.#rows.keys.params.map((k) => `params.${k}`), ...this.#rows.keys.tags.map((k) => `tags.${k}`)]);
	/** Filtered and sorted; folding a parent or a group re-reads only `view`. */
	readonly order: TableOrder = $derived.by(() =>
		createTableOrder({
			rows: this.#rows.rows,
			filter: this.filterFn,
			showDeleted: this.showDeleted,
			sort: this.sort ? { column: parseColumnId(this.sort.column)!, desc: this.sort.desc } : null,
			now: Date.now()
		})
	);
	readonly view: TableView = $derived.by(() => ({
		items: this.#withScreenCounts(
			createTableItems(this.order, {
				group: this.group ? parseColumnId(this.group) : null,
				collapsed: this.collapsed,
				expanded: this.expanded,
				now: Date.now()
			})
		),
		matched: this.order.matched
	}));

	/**
	 * A first screen's top-level parents with the child counts it was taken with, while it shows in its own view: open
	 * when expanded (its children show once the runs are read) or when context (some of its matches follow it).
	 */
	#withScreenCounts(items: TableItem[]): TableItem[] {
		const screen = this.#rows.provisional ? this.#screen() : null;
		if (!screen || screen.children.size === 0 || formatRowViewKey(this) !== screen.view) return items;
		return items.map((it) => {
			const n = it.type === 'run' && it.depth === 0 ? screen.children.get(it.row.run_id) : undefined;
			return n === undefined || it.type !== 'run' ? it : { ...it, children: Math.max(n, it.children), open: it.context || this.expanded.has(it.row.run_id) };
		});
	}
	readonly selectedRows: RunRow[] = $derived.by(() => this.#rows.rows.filter((r) => this.selected.has(r.run_id)));

	/** Sets the view from a URL query (navigation, first load). */
	readUrl(params: URLSearchParams): void {
		const s = readTableUrlState(params);
		this.filter = s.filter;
		this.sort = s.sort;
		this.columnIds = s.columns;
		this.pinnedIds = s.pinned;
		this.group = s.group;
		this.selected = new Set(s.selected);
		this.hidden = new Set(s.hidden);
		this.expanded = new Set(s.expanded);
		this.widths = s.widths;
		this.showDeleted = s.showDeleted;
	}

	readonly urlState: TableUrlState = $derived({
		filter: this.filter,
		sort: this.sort,
		columns: this.columnIds,
		pinned: this.pinnedIds,
		group: this.group,
		selected: [...this.selected],
		hidden: [...this.hidden],
		expanded: [...this.expanded],
		widths: this.widths,
		showDeleted: this.showDeleted
	});

	/**
	 * Keeps the URL in step with the view (replaceState: no history entry per keystroke). Call while a component
	 * initialises.
	 */
	syncUrl(): void {
		syncQuery((base) => writeTableUrlState(this.urlState, base));
	}

	/** Header click: ascending, then descending, then back to the default order (newest first). */
	cycleSort(columnId: string): void {
		const s = this.sort;
		this.sort = s?.column !== columnId ? { column: columnId, desc: false } : !s.desc ? { column: columnId, desc: true } : null;
	}

	setColumns(ids: string[]): void {
		this.columnIds = orderColumnIds(ids, this.pinned);
	}

	addColumn(id: string): void {
		if (!this.shownIds.includes(id)) this.setColumns([...this.shownIds, id]);
	}

	removeColumn(id: string): void {
		if (id === 'name') return;
		this.setColumns(this.shownIds.filter((x) => x !== id));
		if (this.pinned.has(id)) this.pinnedIds = [...this.pinned].filter((x) => x !== id);
		if (this.sort?.column === id) this.sort = null;
	}

	moveColumn(id: string, delta: number): void {
		this.columnIds = moveColumnId(this.shownIds, this.pinned, id, delta);
	}

	/** Pins or unpins a column; a newly pinned one goes to the end of the pinned block. */
	togglePin(id: string): void {
		const next = new Set(this.pinned);
		if (next.has(id)) next.delete(id);
		else next.add(id);
		this.pinnedIds = this.shownIds.filter((x) => next.has(x));
		if (this.columnIds !== null) this.columnIds = orderColumnIds(this.shownIds, next);
	}

	resetColumns(): void {
		this.columnIds = null;
		this.pinnedIds = null;
		this.widths = {};
	}

	/** Gives a column a width in px (clamped to what a resize may give), or its default back with null. */
	resizeColumn(id: string, px: number | null): void {
		const next = { ...this.widths };
		if (px === null) delete next[id];
		else next[id] = Math.round(Math.max(MIN_COLUMN_WIDTH, Math.min(MAX_COLUMN_WIDTH, px)));
		this.widths = next;
	}

	toggleSelected(runId: string): void {
		const next = new Set(this.selected);
		if (next.has(runId)) next.delete(runId);
		else next.add(runId);
		this.selected = next;
	}

	/** Selects every run the filter shows, or clears the selection if they all are selected. */
	toggleAllShown(): void {
		const shown = this.view.matched;
		const all = shown.length > 0 && shown.every((r) => this.selected.has(r.run_id));
		this.selected = all ? new Set() : new Set(shown.map((r) => r.run_id));
	}

	/** Shows or hides one run in the charts. */
	toggleHidden(runId: string): void {
		const next = new Set(this.hidden);
		if (next.has(runId)) next.delete(runId);
		else next.add(runId);
		this.hidden = next;
	}

	clearSelection(): void {
		this.selected = new Set();
	}

	toggleGroup(key: string): void {
		const next = new Set(this.collapsed);
		if (next.has(key)) next.delete(key);
		else next.add(key);
		this.collapsed = next;
	}

	/** Shows or folds a parent run's children. */
	toggleExpanded(runId: string): void {
		const next = new Set(this.expanded);
		if (next.has(runId)) next.delete(runId);
		else next.add(runId);
		this.expanded = next;
	}

	setGroup(id: string | null): void {
		this.group = id;
		this.collapsed = new Set();
	}

	/** Moves the keyboard focus by `delta` items, clamped to the table. */
	moveFocus(delta: number): void {
		const n = this.view.items.length;
		this.focused = n === 0 ? 0 : Math.max(0, Math.min(n - 1, this.focused + delta));
	}

	/** Deletes (or restores) the selected runs on the local document. */
	setSelectedLifecycle(lifecycle: 'active' | 'deleted'): void {
		const ids = this.selectedRows.filter((r) => r.lifecycle !== lifecycle).map((r) => r.run_id);
		this.#rows.setLifecycle(ids, lifecycle);
		if (lifecycle === 'deleted' && !this.showDeleted) this.clearSelection();
	}
}
