// The experiment's Models view state: the filter and sort of its logged-model list, kept in the URL (`mq`, `msort`
// beside the runs table's own parameters), and the rows they select, live.
import {
	compileModelsFilter,
	DEFAULT_MODELS_SORT,
	readKeyMetrics,
	readLoggedModelRows,
	readModelsUrlState,
	sortModelRows,
	writeModelsUrlState,
	type LoggedModelRow,
	type ModelsFilter,
	type ModelsSort
} from '$lib/core/logged-model-view';
import type { DocsView } from './doc-view.svelte';
import type { ExperimentModels } from './logged-models.svelte';
import type { ModelFlavors } from './model-flavors.svelte';
import { syncQuery } from './url-sync.svelte';

export class LoggedModelsTableState {
	filter = $state('');
	sort = $state.raw<ModelsSort>(DEFAULT_MODELS_SORT);

	readonly #view: DocsView<ExperimentModels>;
	readonly #flavors: ModelFlavors;

	constructor(view: DocsView<ExperimentModels>, flavors: ModelFlavors) {
		this.#view = view;
		this.#flavors = flavors;
	}

	/** Every active model as a row (flavors as far as known). */
	readonly all: LoggedModelRow[] = $derived.by(() => {
		const { records, runNames, registry } = this.#view.current;
		return readLoggedModelRows(records, runNames, registry, (id) => this.#flavors.get(id));
	});
	readonly compiled: ModelsFilter = $derived(compileModelsFilter(this.filter));
	/** The rows the filter keeps, sorted. */
	readonly rows: LoggedModelRow[] = $derived(sortModelRows(this.compiled.ok ? this.all.filter(this.compiled.test) : this.all, this.sort));
	/** Metric keys shown as columns. */
	readonly metricKeys: string[] = $derived(readKeyMetrics(this.all));

	/** Sorts by `column`; the sorted column again flips the direction. Times and metrics start descending. */
	toggleSort(column: string): void {
		if (this.sort.column === column) this.sort = { column, desc: !this.sort.desc };
		else this.sort = { column, desc: column === 'created' || column.startsWith('metrics.') };
	}

	readUrl(params: URLSearchParams): void {
		const s = readModelsUrlState(params);
		this.filter = s.filter;
		this.sort = s.sort;
	}

	/** Keeps `mq` and `msort` in step with the view. Call while a component initialises. */
	syncUrl(): void {
		syncQuery((base) => writeModelsUrlState({ filter: this.filter, sort: this.sort }, base));
	}
}
