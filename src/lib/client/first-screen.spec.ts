import { beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../core/run-row';
import { createTestRow } from '../core/table/row-fixture';
import { fetchFirstScreen, FIRST_SCREEN_ROWS, readFirstScreen, readFirstScreenView, saveFirstScreen } from './first-screen';

/** A Storage over a Map (Node has no localStorage). */
function installStorage(): Map<string, string> {
	const data = new Map<string, string>();
	(globalThis as { localStorage?: unknown }).localStorage = {
		getItem: (k: string) => data.get(k) ?? null,
		setItem: (k: string, v: string) => void data.set(k, String(v)),
		removeItem: (k: string) => void data.delete(k)
	};
	return data;
}

const row = (i: number): RunRow =>
	createTestRow({
		name: `run-${i}`,
		params: { lr: '0.1' },
		tags: { team: 'a' },
		metrics: { loss: { last: NaN, min: -Infinity, max: 2, count: 3, step: 2, timestamp: 9 } }
	});

describe('first screen', () => {
	let data: Map<string, string>;
	beforeEach(() => (data = installStorage()));

	it('keys a snapshot by the view that orders the rows, and not for grouped views', () => {
		expect(readFirstScreenView('?q=x&sort=-name&cols=a,b')).toBe(readFirstScreenView('?sort=-name&q=x'));
		expect(readFirstScreenView('?q=x')).not.toBe(readFirstScreenView('?q=y'));
		expect(readFirstScreenView('?group=params.lr')).toBeNull();
	});

	it('round-trips the top rows of a view with their child counts, non-finite metrics included', () => {
		const view = readFirstScreenView('?sort=name');
		saveFirstScreen('1', view, Array.from({ length: 100 }, (_, i) => ({ row: row(i), children: i === 2 ? 9 : 0 })), 100, 5);
		const back = readFirstScreen('1', view)!;
		expect([...back.children]).toEqual([[back.rows[2].run_id, 9]]);
		expect(back.rows).toHaveLength(FIRST_SCREEN_ROWS);
		expect(back.total).toBe(100);
		expect(back.savedAt).toBe(5);
		expect(back.rows[3].name).toBe('run-3');
		expect(back.rows[0].metrics.loss.last).toBeNaN();
		expect(back.rows[0].metrics.loss.min).toBe(-Infinity);
		expect(readFirstScreen('1', readFirstScreenView('?sort=-name'))).toBeNull();
		expect(readFirstScreen('2', view)).toBeNull();
	});

	it('forgets the least recently saved experiments past ten, and survives damaged entries', () => {
		const view = readFirstScreenView('');
		for (let e = 0; e < 12; e++) saveFirstScreen(String(e), view, [{ row: row(e), children: 0 }], 1);
		expect(readFirstScreen('0', view)).toBeNull();
		expect(readFirstScreen('1', view)).toBeNull();
		expect(readFirstScreen('11', view)?.rows[0].name).toBe('run-11');
		data.set('tandem:first-screen:11', '{not json');
		expect(readFirstScreen('11', view)).toBeNull();
		data.set('tandem:first-screen:11', JSON.stringify({ view, rows: [{ run_id: 3 }], total: 1 }));
		expect(readFirstScreen('11', view)).toBeNull();
	});
});

describe("the server's first screen", () => {
	const answer = (rows: unknown, status = 200) => new Response(JSON.stringify(rows), { status, headers: { 'content-type': 'application/json' } });

	it('asks for the rows of the view only (filter, sort, deleted) and decodes them like a remembered one', async () => {
		const asked: string[] = [];
		const packed = [row(7)].map((r) => ({ ...r, metrics: { loss: { ...r.metrics.loss, last: 'NaN', min: '-Infinity' } } }));
		const fetchFn = (async (url: string) => (asked.push(url), answer({ rows: packed, children: [3], total: 9, matched: 4 }))) as unknown as typeof fetch;
		const screen = await fetchFirstScreen('5', '?q=x&sort=-name&cols=a,b&sel=' + 'a'.repeat(32) + '&deleted=1', fetchFn);
		expect(asked).toEqual([`/api/experiments/5/first-screen?q=x&sort=-name&deleted=1&limit=${FIRST_SCREEN_ROWS}`]);
		expect(screen).toMatchObject({ view: readFirstScreenView('?sort=-name&q=x&deleted=1'), total: 9, matched: 4, source: 'server' });
		expect(screen!.rows[0].name).toBe('run-7');
		expect(screen!.rows[0].metrics.loss.last).toBeNaN();
		expect(screen!.rows[0].metrics.loss.min).toBe(-Infinity);
		expect(screen!.children.get(screen!.rows[0].run_id)).toBe(3);
	});

	it('reads child counts that are not counts (or an older answer with none) as no children', async () => {
		const rows = [row(1), row(2), row(3)];
		const fetchFn = (async () => answer({ rows, children: [2, -1, 'x'], total: 3, matched: 3 })) as unknown as typeof fetch;
		expect([...(await fetchFirstScreen('5', '?q=y', fetchFn))!.children]).toEqual([[rows[0].run_id, 2]]);
		const none = (async () => answer({ rows, total: 3, matched: 3 })) as unknown as typeof fetch;
		expect((await fetchFirstScreen('5', '?q=y', none))!.children.size).toBe(0);
	});

	it("takes the answer app.html's inline script asked for, once and only for the same request", async () => {
		const asked: string[] = [];
		const fetchFn = (async (url: string) => (asked.push(url), answer({ rows: [row(2)], total: 5, matched: 5 }))) as unknown as typeof fetch;
		const g = globalThis as { __tandemFirstScreen?: { url: string; body: Promise<unknown> } };
		g.__tandemFirstScreen = { url: `/api/experiments/5/first-screen?limit=${FIRST_SCREEN_ROWS}`, body: Promise.resolve({ rows: [row(1)], total: 3, matched: 3 }) };
		// Another view (a filter in the URL) is not what the script asked for: the page asks itself.
		expect((await fetchFirstScreen('5', '?q=x', fetchFn))!.rows[0].name).toBe('run-2');
		expect(asked).toHaveLength(1);
		expect((await fetchFirstScreen('5', '', fetchFn))!.rows[0].name).toBe('run-1');
		expect(asked).toHaveLength(1);
		expect(g.__tandemFirstScreen).toBeUndefined();
		expect((await fetchFirstScreen('5', '', fetchFn))!.rows[0].name).toBe('run-2');
		expect(asked).toHaveLength(2);
		// A failed early request is asked again.
		g.__tandemFirstScreen = { url: `/api/experiments/5/first-screen?limit=${FIRST_SCREEN_ROWS}`, body: Promise.resolve(null) };
		expect((await fetchFirstScreen('5', '', fetchFn))!.rows[0].name).toBe('run-2');
		expect(asked).toHaveLength(3);
	});

	it('is null for a grouped view, a refusal, a damaged answer or no network', async () => {
		let calls = 0;
		const fetchWith = (res: () => Response) => (async () => (calls++, res())) as unknown as typeof fetch;
		expect(await fetchFirstScreen('5', '?group=params.lr', fetchWith(() => answer({ rows: [] })))).toBeNull();
		expect(calls).toBe(0);
		expect(await fetchFirstScreen('5', '', fetchWith(() => answer({ error_code: 'RESOURCE_DOES_NOT_EXIST' }, 404)))).toBeNull();
		expect(await fetchFirstScreen('5', '', fetchWith(() => answer({ rows: [{ run_id: 3 }] })))).toBeNull();
		expect(await fetchFirstScreen('5', '', fetchWith(() => { throw new TypeError('Failed to fetch'); }))).toBeNull();
		expect(calls).toBe(3);
	});
});
