// Comments pinned to chart points, for every chart under a page's scope (run page, compare, the experiment's chart
// workspace): the threads of the experiments the charted runs belong to, the thread a click on a marker opened, and
// the pin being written. Charts find the scope through Svelte context (LazyMetricChart) and get a marker plugin.
import { getContext, setContext } from 'svelte';
import type uPlot from 'uplot';
import { docNames } from '$lib/core/schema';
import { selectPins } from '$lib/core/comments/threads';
import { createThreadsView, type PlacedThread } from './comments.svelte';
import { createCommentMarkers } from './comment-markers';

const CONTEXT = Symbol('chart-comments');

/** A pin being written: on `runId`'s `metric` at `step`, into `docName`. */
export interface PinDraft {
	docName: string;
	runId: string;
	metric: string;
	step: number;
}

export class ChartComments {
	/** The thread a marker opened: its document and id. */
	opened = $state<{ docName: string; threadId: string } | null>(null);
	draft = $state<PinDraft | null>(null);
	readonly #view;
	readonly #experimentOf: (runId: string) => string | null;
	readonly #listeners = new Set<() => void>();

	/** `experimentIds()`: the experiments of the charted runs; `experimentOf`: a run's experiment, if known. */
	constructor(experimentIds: () => readonly string[], experimentOf: (runId: string) => string | null) {
		this.#experimentOf = experimentOf;
		this.#view = createThreadsView(() => [...new Set(experimentIds())].sort().map((id) => docNames.comments(id)));
		$effect(() => {
			void this.#view.current;
			for (const fn of this.#listeners) fn();
		});
	}

	get threads(): PlacedThread[] {
		return this.#view.current;
	}

	/** The opened thread, once its document holds it. */
	get openedThread(): PlacedThread | null {
		const o = this.opened;
		return o ? (this.threads.find((t) => t.id === o.threadId && t.docName === o.docName) ?? null) : null;
	}

	/**
	 * A marker plugin for a chart of `metric()` over the runs `runIds()` gives; `readX`: where a run's step is on x
	 * (null: nowhere); `canPin()`: x is the step.
	 */
	createPlugin(metric: () => string, runIds: () => string[], readX: (runId: string, step: number) => number | null, canPin: () => boolean): uPlot.Plugin {
		return createCommentMarkers({
			readPins: () => selectPins(this.threads, metric(), new Set(runIds())),
			subscribe: (fn) => (this.#listeners.add(fn), () => this.#listeners.delete(fn)),
			readRunIds: runIds,
			readX,
			canPin,
			onOpen: (pin) => {
				const t = this.threads.find((x) => x.id === pin.threadId);
				if (t) (this.opened = { docName: t.docName, threadId: t.id }), (this.draft = null);
			},
			onPin: ({ runId, step }) => {
				const exp = this.#experimentOf(runId);
				if (exp !== null) (this.draft = { docName: docNames.comments(exp), runId, metric: metric(), step }), (this.opened = null);
			}
		});
	}
}

/** Makes `comments` the scope of every chart below the calling component. */
export function setChartComments(comments: ChartComments): void {
	setContext(CONTEXT, comments);
}

/** The charts' comment scope, or null outside one. */
export function readChartComments(): ChartComments | null {
	return getContext<ChartComments | undefined>(CONTEXT) ?? null;
}
