// The client's outbox: logged points, params and tags cut into batches (by size here, by time in run.ts), each
// given its batch id once, delivered head first; bounded, dropping the oldest undelivered metric batches past it.

export interface MetricPoint {
	key: string;
	/** float64; NaN and ±Infinity allowed */
	value: number;
	step: number;
	/** ms since the epoch */
	timestamp: number;
}

/** One request's worth of writes. Its `batchId` never changes, so a retried request is applied once by the server. */
export interface Batch {
	/** position in the run's sequence of batches, from 1 */
	seq: number;
	batchId: string;
	points: MetricPoint[];
	params: Record<string, string>;
	tags: Record<string, string>;
}

export interface BatchQueueOptions {
	/** Metric points per batch (≥ 1). */
	maxBatchPoints: number;
	/** Undelivered metric points kept at most (open batch included; raised to maxBatchPoints if lower). */
	maxQueuedPoints: number;
	/** Params and tags per batch (the native API accepts 1,000 of each). */
	maxBatchEntries?: number;
	/** The id of batch number `seq`; must be unique within the run. */
	createBatchId(seq: number): string;
}

export type BatchQueue = ReturnType<typeof createBatchQueue>;

/**
 * A FIFO of sealed batches plus one open batch that collects either metric points or params/tags (never both,
 * so a refused param change cannot take points down with it). The head may be in flight; it is never dropped.
 */
export function createBatchQueue(opts: BatchQueueOptions) {
	const maxBatchPoints = Math.max(1, Math.floor(opts.maxBatchPoints));
	const maxQueuedPoints = Math.max(maxBatchPoints, Math.floor(opts.maxQueuedPoints));
	const maxEntries = opts.maxBatchEntries ?? 1000;
	const sealed: Batch[] = [];
	let open: Batch | null = null;
	let nextSeq = 1;
	let queuedPoints = 0;
	let headInFlight = false;

	const entriesOf = (b: Batch) => Object.keys(b.params).length + Object.keys(b.tags).length;
	const isEmpty = (b: Batch) => b.points.length === 0 && entriesOf(b) === 0;

	function openBatch(kind: 'points' | 'meta'): Batch {
		if (open && (kind === 'points' ? entriesOf(open) > 0 : open.points.length > 0)) seal();
		if (!open) {
			const seq = nextSeq++;
			open = { seq, batchId: opts.createBatchId(seq), points: [], params: {}, tags: {} };
		}
		return open;
	}

	/** Seals the open batch (if it holds anything); returns whether one was sealed. */
	function seal(): boolean {
		if (!open || isEmpty(open)) return false;
		sealed.push(open);
		open = null;
		return true;
	}

	/** Drops whole metric batches, oldest first, until the bound holds; returns how many points went. */
	function enforceBound(): number {
		let dropped = 0;
		for (let i = headInFlight ? 1 : 0; queuedPoints > maxQueuedPoints && i < sealed.length; ) {
			const b = sealed[i];
			if (b.points.length === 0) {
				i++;
				continue;
			}
			sealed.splice(i, 1);
			queuedPoints -= b.points.length;
			dropped += b.points.length;
		}
		return dropped;
	}

	function addMeta(field: 'params' | 'tags', entries: Record<string, string>): void {
		for (const [k, v] of Object.entries(entries)) {
			let batch = openBatch('meta');
			// A param given twice with different values must reach the server in order, to be refused there.
			if ((field === 'params' && k in batch.params && batch.params[k] !== v) || entriesOf(batch) >= maxEntries) {
				seal();
				batch = openBatch('meta');
			}
			batch[field][k] = v;
		}
	}

	return {
		/** Appends points in order, sealing full batches. Returns how many old points were dropped to respect the bound. */
		addPoints(points: readonly MetricPoint[]): number {
			for (const p of points) {
				const batch = openBatch('points');
				batch.points.push(p);
				queuedPoints++;
				if (batch.points.length >= maxBatchPoints) seal();
			}
			return enforceBound();
		},
		addParams(params: Record<string, string>): void {
			addMeta('params', params);
		},
		addTags(tags: Record<string, string>): void {
			addMeta('tags', tags);
		},
		seal,
		/** True if the open batch holds something not yet sealed. */
		hasOpen(): boolean {
			return open !== null && !isEmpty(open);
		},
		/** The oldest sealed batch, which the sender delivers next; marks it in flight (it will not be dropped). */
		takeHead(): Batch | undefined {
			headInFlight = sealed.length > 0;
			return sealed[0];
		},
		/** Removes the head once it is delivered or refused for good. */
		removeHead(): Batch | undefined {
			const b = sealed.shift();
			headInFlight = false;
			if (b) queuedPoints -= b.points.length;
			return b;
		},
		/** Sealed batches not yet removed, oldest first (the head included). */
		pending(): readonly Batch[] {
			return sealed;
		},
		/** The seq of the newest sealed batch (0 before any). */
		lastSealedSeq(): number {
			return sealed.length > 0 ? sealed[sealed.length - 1].seq : open ? open.seq - 1 : nextSeq - 1;
		},
		/** Metric points not yet delivered, the open batch included. */
		queuedPoints(): number {
			return queuedPoints;
		},
		/** Empties the queue (the run can no longer be written); returns the batches removed. */
		clear(): Batch[] {
			const all = sealed.splice(0);
			if (open && !isEmpty(open)) all.push(open);
			open = null;
			queuedPoints = 0;
			headInFlight = false;
			return all;
		}
	};
}
