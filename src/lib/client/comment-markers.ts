// A uPlot plugin that draws a chart's pinned comments (threads pinned to its metric at a step of one of its runs) as
// markers over the plot, opening a thread on click, and offers "Comment" on a clicked point to pin a new one. Markers
// are buttons in uPlot's overlay, placed where the step is on x (step, wall or relative time; not on a metric x),
// redrawn with the plot and whenever the pins change. Pinning needs x by step.
import type uPlot from 'uplot';
import type { CommentPin } from '$lib/core/comments/threads';

export interface CommentMarkersInput {
	/** The pins to draw (already narrowed to this chart's metric and runs). */
	readPins(): CommentPin[];
	/** Calls `fn` when the pins may have changed; returns the unsubscribe function. */
	subscribe(fn: () => void): () => void;
	/** The chart's runs, in line order. */
	readRunIds(): string[];
	/** Where a run's `step` is on x (a step, a time, a relative time), or null when it cannot be placed. */
	readX(runId: string, step: number): number | null;
	/** Whether a clicked point may be pinned: x is the step, so the point's x is its step. */
	canPin(): boolean;
	onOpen(pin: CommentPin): void;
	onPin(point: { runId: string; step: number }): void;
}

/** Pixels a press may move and still count as a click (not a zoom drag). */
const CLICK_SLOP = 4;

export function createCommentMarkers(input: CommentMarkersInput): uPlot.Plugin {
	let layer: HTMLDivElement | null = null;
	let action: HTMLButtonElement | null = null;
	let stop: (() => void) | null = null;
	let plot: uPlot | null = null;
	let press: { x: number; y: number } | null = null;

	function place(u: uPlot): void {
		if (!layer) return;
		layer.replaceChildren();
		const runs = new Set(input.readRunIds());
		const [min, max] = [u.scales.x.min, u.scales.x.max];
		for (const pin of input.readPins()) {
			const x = runs.has(pin.runId) ? input.readX(pin.runId, pin.step) : null;
			if (x === null || !Number.isFinite(x) || min == null || max == null || x < min || x > max) continue;
			const b = document.createElement('button');
			b.type = 'button';
			b.className = `comment-pin${pin.resolved ? ' resolved' : ''}`;
			b.dataset.testid = 'comment-pin';
			b.dataset.thread = pin.threadId;
			b.dataset.step = String(pin.step);
			b.title = `${pin.author} at step ${pin.step}: ${pin.summary}`;
			b.setAttribute('aria-label', `Comment by ${pin.author} at step ${pin.step}`);
			b.style.left = `${u.valToPos(x, 'x')}px`;
			b.addEventListener('mousedown', (e) => e.stopPropagation());
			b.addEventListener('click', (e) => (e.stopPropagation(), input.onOpen(pin)));
			layer.append(b);
		}
	}

	/** The run whose line is nearest the cursor at data index `idx`. */
	function nearestRun(u: uPlot, idx: number): string | null {
		const runIds = input.readRunIds();
		if (runIds.length === 0) return null;
		const per = Math.max(1, Math.round((u.series.length - 1) / runIds.length));
		let best: string | null = null;
		let bestDistance = Infinity;
		runIds.forEach((runId, i) => {
			const y = u.data[1 + i * per]?.[idx];
			if (y == null || !Number.isFinite(y)) return;
			const d = Math.abs(u.valToPos(y, 'y') - (u.cursor.top ?? 0));
			if (d < bestDistance) [best, bestDistance] = [runId, d];
		});
		return best;
	}

	function offer(u: uPlot): void {
		action?.remove();
		action = null;
		const idx = u.cursor.idx;
		if (!layer || idx == null || !input.canPin()) return;
		const step = u.data[0][idx];
		const runId = nearestRun(u, idx);
		if (runId === null || !Number.isSafeInteger(step)) return;
		const b = document.createElement('button');
		b.type = 'button';
		b.className = 'comment-action';
		b.dataset.testid = 'comment-at-point';
		b.textContent = `Comment at step ${step}`;
		b.style.left = `${u.valToPos(step, 'x')}px`;
		b.style.top = `${u.cursor.top ?? 0}px`;
		b.addEventListener('mousedown', (e) => e.stopPropagation());
		b.addEventListener('click', (e) => {
			e.stopPropagation();
			action?.remove();
			action = null;
			input.onPin({ runId, step });
		});
		action = b;
		u.over.append(b);
	}

	return {
		hooks: {
			init: [
				(u) => {
					plot = u;
					layer = document.createElement('div');
					layer.className = 'comment-pins';
					u.over.append(layer);
					u.over.addEventListener('mousedown', (e) => (press = { x: e.clientX, y: e.clientY }));
					u.over.addEventListener('mouseup', (e) => {
						const p = press;
						press = null;
						if (p && Math.abs(e.clientX - p.x) <= CLICK_SLOP && Math.abs(e.clientY - p.y) <= CLICK_SLOP) offer(u);
					});
					u.over.addEventListener('mouseleave', () => {
						if (!action?.matches(':hover')) (action?.remove(), (action = null));
					});
					stop = input.subscribe(() => plot && place(plot));
				}
			],
			draw: [(u) => place(u)],
			destroy: [
				() => {
					stop?.();
					stop = null;
					plot = layer = action = null;
				}
			]
		}
	};
}
