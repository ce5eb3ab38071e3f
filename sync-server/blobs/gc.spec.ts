// The blob collector: passes run one at a time, a failed scheduled pass is logged and the schedule goes on,
// close() aborts the pass in progress and stops the schedule.
import { describe, expect, it } from 'vitest';
import { createBlobCollector, type GcResult } from './gc';
import { createMemoryBlobStore } from './memory-blob-store';
import { waitFor } from '../../tests/helpers/wait';

async function* bytesOf(s: string): AsyncGenerator<Uint8Array> {
	yield new TextEncoder().encode(s);
}

/** A promise with its resolver, for marks the test finishes by hand. */
function deferred<T>() {
	let resolve!: (v: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

describe('createBlobCollector', () => {
	it('runs one pass at a time: a second run() starts its mark after the first pass ends', async () => {
		const blobs = createMemoryBlobStore();
		const { sha256 } = await blobs.put(bytesOf('orphan'));
		const marks: Array<ReturnType<typeof deferred<Set<string>>>> = [];
		const gc = createBlobCollector({ blobs, intervalMs: 0, graceMs: 0, mark: () => (marks.push(deferred()), marks.at(-1)!.promise) });
		const first = gc.run();
		const second = gc.run();
		await Promise.resolve();
		expect(marks).toHaveLength(1);
		marks[0].resolve(new Set());
		expect(await first).toMatchObject({ deleted: 1, tooYoung: 0, referenced: 0 });
		await waitFor(() => marks.length === 2, { what: 'the second mark' });
		marks[1].resolve(new Set([sha256]));
		expect(await second).toMatchObject({ deleted: 0, referenced: 1 });
		await gc.close();
	});

	it('logs a failed scheduled pass and runs the next one; close() aborts the pass in progress', async () => {
		const logs: string[] = [];
		const results: GcResult[] = [];
		let calls = 0;
		let aborted = false;
		const passed = deferred<void>();
		const gc = createBlobCollector({
			blobs: createMemoryBlobStore(),
			intervalMs: 5,
			log: (m) => logs.push(m),
			onGc: (r) => (results.push(r), passed.resolve()),
			mark: (signal) => {
				calls++;
				if (calls === 1) return Promise.reject(new Error('store unavailable'));
				if (calls === 2) return Promise.resolve(new Set<string>());
				return new Promise((_, reject) => signal.addEventListener('abort', () => ((aborted = true), reject(signal.reason))));
			}
		});
		await passed.promise;
		expect(logs[0]).toMatch(/^blob gc failed: Error: store unavailable/);
		expect(results).toHaveLength(1);
		await waitFor(() => calls === 3, { what: 'the third (hanging) pass' });
		await gc.close();
		expect(aborted).toBe(true);
		expect(logs.filter((l) => l.startsWith('blob gc failed'))).toHaveLength(1); // the abort is not an error
		await expect(gc.run()).rejects.toThrow(/closing/);
	});

	it('refuses an interval setTimeout cannot honour', () => {
		const opts = { blobs: createMemoryBlobStore(), mark: async () => new Set<string>() };
		expect(() => createBlobCollector({ ...opts, intervalMs: 2 ** 31 })).toThrow(RangeError);
		expect(() => createBlobCollector({ ...opts, intervalMs: -1 })).toThrow(RangeError);
	});
});
