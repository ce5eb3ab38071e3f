// The SDK outbox: batches cut by size, ids fixed once, points and params kept apart, the bound dropping oldest.
import { describe, expect, it } from 'vitest';
import { createBatchQueue, type MetricPoint } from './queue';

const points = (from: number, n: number, key = 'm'): MetricPoint[] =>
	Array.from({ length: n }, (_, i) => ({ key, value: from + i, step: from + i, timestamp: 1000 + from + i }));
const newQueue = (maxBatchPoints: number, maxQueuedPoints = 1_000_000) =>
	createBatchQueue({ maxBatchPoints, maxQueuedPoints, createBatchId: (seq) => `c-${seq}` });

describe('createBatchQueue', () => {
	it('cuts points into batches of maxBatchPoints, in order, with ids chosen once', () => {
		const q = newQueue(3);
		expect(q.addPoints(points(0, 7))).toBe(0);
		expect(q.pending().map((b) => [b.batchId, b.points.map((p) => p.step)])).toEqual([
			['c-1', [0, 1, 2]],
			['c-2', [3, 4, 5]]
		]);
		expect(q.hasOpen()).toBe(true);
		expect(q.seal()).toBe(true);
		expect(q.seal()).toBe(false);
		expect(q.pending().map((b) => b.batchId)).toEqual(['c-1', 'c-2', 'c-3']);
		expect(q.lastSealedSeq()).toBe(3);
		expect(q.queuedPoints()).toBe(7);
		// The head keeps its identity (and id) across repeated takes, as a retried request must.
		expect(q.takeHead()).toBe(q.takeHead());
		expect(q.removeHead()?.batchId).toBe('c-1');
		expect(q.queuedPoints()).toBe(4);
	});

	it('keeps params and tags out of metric batches, preserving the order of calls', () => {
		const q = newQueue(100);
		q.addPoints(points(0, 2));
		q.addParams({ lr: '0.1' });
		q.addTags({ team: 'a' });
		q.addPoints(points(2, 1));
		q.seal();
		expect(q.pending().map((b) => ({ points: b.points.length, params: b.params, tags: b.tags }))).toEqual([
			{ points: 2, params: {}, tags: {} },
			{ points: 0, params: { lr: '0.1' }, tags: { team: 'a' } },
			{ points: 1, params: {}, tags: {} }
		]);
	});

	it('sends a param given two different values in two batches, so the server sees the change', () => {
		const q = newQueue(100);
		q.addParams({ lr: '0.1', bs: '32' });
		q.addParams({ bs: '32' });
		q.addParams({ lr: '0.2' });
		q.seal();
		expect(q.pending().map((b) => b.params)).toEqual([{ lr: '0.1', bs: '32' }, { lr: '0.2' }]);
	});

	it('drops the oldest metric batches past the bound, never the in-flight head nor params', () => {
		const q = newQueue(10, 30);
		q.addParams({ lr: '1' });
		q.addPoints(points(0, 10)); // seq 2
		q.takeHead(); // seq 1 (params) in flight
		q.addPoints(points(10, 20)); // seq 3, 4
		expect(q.queuedPoints()).toBe(30);
		expect(q.addPoints(points(30, 10))).toBe(10); // seq 5 pushes seq 2 out
		expect(q.pending().map((b) => [b.seq, b.points[0]?.step ?? null])).toEqual([
			[1, null],
			[3, 10],
			[4, 20],
			[5, 30]
		]);
		q.removeHead();
		q.takeHead(); // seq 3 in flight now
		expect(q.addPoints(points(40, 10))).toBe(10); // seq 4 goes, seq 3 stays
		expect(q.pending().map((b) => b.seq)).toEqual([3, 5, 6]);
		expect(q.queuedPoints()).toBe(30);
	});

	it('clears everything, the open batch included', () => {
		const q = newQueue(10);
		q.addPoints(points(0, 15));
		expect(q.clear().map((b) => b.points.length)).toEqual([10, 5]);
		expect([q.pending().length, q.queuedPoints(), q.hasOpen()]).toEqual([0, 0, false]);
	});
});
