// Spreads bursts of heavy main-thread work over frames, so a page that receives a hundred series at once (the chart
// workspace) keeps painting and scrolling: chart draws (and the workspace's chart builds) run in animation frames, at
// most INPUT_FRAME_BUDGET_MS of them per frame while the user scrolls or types (CALM_FRAME_BUDGET_MS otherwise; always
// at least one), and decoding runs in tasks of FRAME_BUDGET_MS with the browser free to render between.

/** ms of queued work one task may take before the rest waits for the next. */
export const FRAME_BUDGET_MS = 12;
/** ms of chart draws a frame may take while the user scrolls, presses or types (at least one still runs): without a
 * GPU the frame's own style, layout, paint and commit of a page of charts take 10-15 ms, and a dense chart's slots
 * (mount, plot, build, axes, lines) take 2-8 ms each, so a scrolling frame holds one slot. */
export const INPUT_FRAME_BUDGET_MS = 4;
/** ms of chart draws a frame may take when the user has not scrolled, pressed or typed for CALM_MS: a screenful of
 * panels whose series arrive together then draws in two or three frames instead of one frame each. */
export const CALM_FRAME_BUDGET_MS = 40;
/** ms after the last scroll, wheel, press or key during which frames keep to FRAME_BUDGET_MS. */
const CALM_MS = 500;

let lastInput = -Infinity;
if (typeof window !== 'undefined') {
	const onInput = () => void (lastInput = performance.now());
	// Capture: a scroll of an inner scroller (the app's main) does not bubble.
	for (const type of ['scroll', 'wheel', 'pointerdown', 'keydown', 'touchstart']) window.addEventListener(type, onInput, { capture: true, passive: true });
}

/** The budget of this frame's chart draws (ms). */
function readFrameBudget(): number {
	return performance.now() - lastInput < CALM_MS ? INPUT_FRAME_BUDGET_MS : CALM_FRAME_BUDGET_MS;
}

/**
 * Runs queued work in order until the queue is empty or the budget is spent (at least one item, if any); true if some
 * is left. Work may queue more (a chart built in a frame asks for its first draw): it runs in this drain if the budget
 * allows, so a frame requested for it may find the queue empty.
 */
function drain(queue: (() => void)[], budget: number): boolean {
	const start = performance.now();
	while (queue.length > 0) {
		queue.shift()!();
		if (performance.now() - start >= budget) break;
	}
	return queue.length > 0;
}

const draws: (() => void)[] = [];
let frameRequested = false;

function runDraws(): void {
	frameRequested = false;
	if (drain(draws, readFrameBudget())) requestFrame();
}

function requestFrame(): void {
	if (frameRequested) return;
	frameRequested = true;
	requestAnimationFrame(runDraws);
}

/** Runs `draw` in an animation frame: this one if the frame's budget allows, else a later one (in queue order). */
export function scheduleDraw(draw: () => void): void {
	draws.push(draw);
	requestFrame();
}

const tasks: (() => void)[] = [];
let taskPosted = false;
const channel = typeof MessageChannel === 'function' ? new MessageChannel() : null;

function runTasks(): void {
	taskPosted = false;
	if (drain(tasks, FRAME_BUDGET_MS)) postTask();
}

function postTask(): void {
	if (taskPosted) return;
	taskPosted = true;
	if (channel) channel.port2.postMessage(null);
	else setTimeout(runTasks, 0);
}
if (channel) channel.port1.onmessage = runTasks;

/** Runs `work` in a task shared with other queued work up to the budget (the browser may render between such tasks);
 * resolves with what it returned, or rejects with what it threw. */
export function runInSlice<T>(work: () => T): Promise<T> {
	return new Promise((resolve, reject) => {
		tasks.push(() => {
			try {
				resolve(work());
			} catch (err) {
				reject(err);
			}
		});
		postTask();
	});
}
