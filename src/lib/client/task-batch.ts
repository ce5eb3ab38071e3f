// Batches the requests a page makes in one task into one HTTP call: each request arrives a few microtasks deep (a
// chart of 100 runs asks for 100 series at once, and a browser opens only 6 connections per host), so the batch goes
// once QUIET_TICKS microtasks pass without a new one, within that task, before the browser renders the frame.

/** Microtasks without a new request before the batch is sent. */
const QUIET_TICKS = 4;

/**
 * A function that queues `item` and resolves with its answer; `send` is given at most `max` items at a time and must
 * answer one value per item, in order (or throw: every item of that call rejects).
 */
export function createTaskBatch<I, O>(send: (items: I[]) => Promise<O[]>, max: number): (item: I) => Promise<O> {
	let queue: { item: I; resolve(o: O): void; reject(err: unknown): void }[] = [];
	let scheduled = false;
	/** Queue length at the last check, and microtasks since it last grew. */
	let seen = 0;
	let quiet = 0;

	async function sendSome(part: typeof queue): Promise<void> {
		try {
			const answers = await send(part.map((p) => p.item));
			if (answers.length !== part.length) throw new Error(`answered ${answers.length} of ${part.length} requests`);
			part.forEach((p, k) => p.resolve(answers[k]));
		} catch (err) {
			for (const p of part) p.reject(err);
		}
	}
	function settle(): void {
		if (queue.length !== seen) (seen = queue.length), (quiet = 0);
		if (quiet++ < QUIET_TICKS) return void queueMicrotask(settle);
		scheduled = false;
		seen = quiet = 0;
		const all = queue;
		queue = [];
		for (let i = 0; i < all.length; i += max) void sendSome(all.slice(i, i + max));
	}
	return (item) =>
		new Promise((resolve, reject) => {
			queue.push({ item, resolve, reject });
			if (!scheduled) {
				scheduled = true;
				queueMicrotask(settle);
			}
		});
}
