// Tests of the ref-counted LRU pool behind openDocument: sharing, idle close, eviction order, capacity.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool } from './pool';

function createTestPool(capacity = 3, idleMs = 1000) {
	const opened: string[] = [];
	const closed: string[] = [];
	const pool = createPool({
		open: (name) => {
			opened.push(name);
			return { name };
		},
		close: (name) => void closed.push(name),
		capacity,
		idleMs
	});
	return { pool, opened, closed };
}

describe('createPool', () => {
	beforeEach(() => void vi.useFakeTimers());
	afterEach(() => void vi.useRealTimers());

	it('shares one resource between leases of the same name', () => {
		const { pool, opened } = createTestPool();
		const a = pool.acquire('x');
		const b = pool.acquire('x');
		expect(a.value).toBe(b.value);
		expect(opened).toEqual(['x']);
		expect(pool.refCount('x')).toBe(2);
	});

	it('keeps a released resource open for idleMs, then closes it', () => {
		const { pool, closed } = createTestPool(3, 1000);
		pool.acquire('x').release();
		vi.advanceTimersByTime(999);
		expect(closed).toEqual([]);
		vi.advanceTimersByTime(1);
		expect(closed).toEqual(['x']);
		expect(pool.names()).toEqual([]);
	});

	it('reuses an idle resource instead of reopening it, and cancels its idle close', () => {
		const { pool, opened, closed } = createTestPool(3, 1000);
		pool.acquire('x').release();
		vi.advanceTimersByTime(500);
		const again = pool.acquire('x');
		vi.advanceTimersByTime(5000);
		expect(opened).toEqual(['x']);
		expect(closed).toEqual([]);
		again.release();
		vi.advanceTimersByTime(1000);
		expect(closed).toEqual(['x']);
	});

	it('a second release of the same lease does not drop another holder', () => {
		const { pool, closed } = createTestPool(3, 10);
		const a = pool.acquire('x');
		pool.acquire('x');
		a.release();
		a.release();
		expect(pool.refCount('x')).toBe(1);
		vi.advanceTimersByTime(100);
		expect(closed).toEqual([]);
	});

	it('evicts the least recently used idle resources beyond capacity', () => {
		const { pool, closed } = createTestPool(3, 60_000);
		for (const n of ['a', 'b', 'c']) pool.acquire(n).release();
		pool.acquire('a').release(); // a is now the most recently used
		pool.acquire('d');
		expect(closed).toEqual(['b']);
		pool.acquire('e');
		expect(closed).toEqual(['b', 'c']);
		expect(pool.names()).toEqual(['a', 'd', 'e']);
	});

	it('never closes a resource in use, even past capacity', () => {
		const { pool, closed } = createTestPool(2, 60_000);
		const leases = ['a', 'b', 'c'].map((n) => pool.acquire(n));
		expect(closed).toEqual([]);
		expect(pool.names()).toEqual(['a', 'b', 'c']);
		leases[1].release();
		expect(closed).toEqual(['b']);
	});

	it('closeAll closes everything and a later release is harmless', () => {
		const { pool, closed } = createTestPool();
		const a = pool.acquire('a');
		pool.acquire('b').release();
		pool.closeAll();
		expect(closed.sort()).toEqual(['a', 'b']);
		a.release();
		vi.advanceTimersByTime(10_000);
		expect(closed).toHaveLength(2);
	});
});
