// runs/search and metrics/get-history memoise their work per state of the documents they read: repeated and paged
// reads are served from the memo, and every write that changes the answer is seen by the next read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';

const R = '/api/2.0/mlflow';
let server: TestServer;

beforeAll(async () => {
	server = await startTestServer({ staticDir: null });
});
afterAll(() => server?.close());

async function ok(path: string, body: unknown) {
	const res = await callJson(server.url, 'POST', R + path, { body });
	expect(res, `${path} ${JSON.stringify(res.body)}`).toMatchObject({ status: 200 });
	return res.body;
}

describe('memoised MLflow reads', () => {
	it('runs/search: repeated and paged searches agree, and each write shows in the next search', async () => {
		const exp = (await ok('/experiments/create', { name: 'cache-search' })).experiment_id;
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			const { run } = await ok('/runs/create', { experiment_id: exp, run_name: `c${i}`, start_time: i });
			await ok('/runs/log-batch', { run_id: run.info.run_id, metrics: [{ key: 'm', value: i, timestamp: 1, step: 0 }], tags: [{ key: 'kind', value: 'a' }] });
			ids.push(run.info.run_id);
		}
		const search = async (pageToken?: string) =>
			(await ok('/runs/search', { experiment_ids: [exp], filter: "metrics.m >= 1 and tags.kind = 'a'", order_by: ['metrics.m DESC'], max_results: 2, page_token: pageToken })) as {
				runs: { info: { run_name: string }; data: { metrics: { value: number }[] } }[];
				next_page_token?: string;
			};
		const names = (page: Awaited<ReturnType<typeof search>>) => page.runs.map((r) => r.info.run_name);
		const first = await search();
		expect(names(first)).toEqual(['c4', 'c3']);
		expect(await search()).toEqual(first);
		expect(names(await search(first.next_page_token))).toEqual(['c2', 'c1']);

		await ok('/runs/log-metric', { run_id: ids[0], key: 'm', value: 10, timestamp: 2, step: 1 });
		const moved = await search();
		expect(names(moved)).toEqual(['c0', 'c4']);
		expect(moved.runs[0].data.metrics[0].value).toBe(10);
		await ok('/runs/set-tag', { run_id: ids[4], key: 'kind', value: 'b' });
		expect(names(await search())).toEqual(['c0', 'c3']);
		await ok('/runs/delete', { run_id: ids[0] });
		const afterDelete = await search();
		expect(names(afterDelete)).toEqual(['c3', 'c2']);
		expect(names(await search(afterDelete.next_page_token))).toEqual(['c1']);
	});

	it('metrics/get-history: pages read the memoised series, and points logged later (in or out of order) are served', async () => {
		const { run } = await ok('/runs/create', { experiment_id: '0', run_name: 'cache-history' });
		const runId = run.info.run_id as string;
		const point = (i: number) => ({ key: 'h', value: i === 2 ? 'NaN' : i / 4, timestamp: 1_000 + i, step: i });
		await ok('/runs/log-batch', { run_id: runId, metrics: [0, 1, 2, 3, 4].map(point) });
		const read = async () => {
			const out: [number, number | string, number][] = [];
			let token = '';
			do {
				const q = `run_id=${runId}&metric_key=h&max_results=2${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
				const res = await callJson(server.url, 'GET', `${R}/metrics/get-history?${q}`);
				expect(res.status).toBe(200);
				for (const m of res.body.metrics) out.push([m.step, m.value, m.timestamp]);
				token = res.body.next_page_token ?? '';
			} while (token);
			return out;
		};
		const before = await read();
		expect(before).toEqual([0, 1, 2, 3, 4].map((i) => [i, point(i).value, 1_000 + i]));
		expect(await read()).toEqual(before);
		await ok('/runs/log-batch', { run_id: runId, metrics: [{ key: 'h', value: 7, timestamp: 1_005, step: 5 }] });
		expect((await read()).map((p) => p[0])).toEqual([0, 1, 2, 3, 4, 5]);
		// An earlier timestamp sorts before the rest (MLflow orders history by timestamp, then step, then value).
		await ok('/runs/log-batch', { run_id: runId, metrics: [{ key: 'h', value: -1, timestamp: 999, step: 9 }] });
		expect((await read()).map((p) => p[0])).toEqual([9, 0, 1, 2, 3, 4, 5]);
	});
});
