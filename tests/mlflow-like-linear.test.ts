// MLflow LIKE / ILIKE filters run in linear time on the real server: a many-`%` pattern over a long value, which a
// backtracking RegExp takes minutes on (issue: one request froze /healthz for 30 s), answers at once on runs,
// experiments, registered models and logged models, with the right matches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';

let server: TestServer;
const R = '/api/2.0/mlflow';
const call = (method: string, p: string, body?: unknown) => callJson(server.url, method, p, { body });
const LONG = 'a'.repeat(3000);
const NO_MATCH = '%a%a%a%a%a%a%a%a%b';
const MATCH = '%a%a%a%a%a%a%a%a';

beforeAll(async () => {
	server = await startTestServer({ staticDir: null });
});
afterAll(() => server.close());

describe('LIKE filters in linear time', () => {
	it('runs/search, experiments/search, registered-models/search and logged-models/search', async () => {
		const exp = (await call('POST', `${R}/experiments/create`, { name: `x${'a'.repeat(400)}` })).body.experiment_id;
		const run = (await call('POST', `${R}/runs/create`, { experiment_id: exp })).body.run.info.run_id;
		expect((await call('POST', `${R}/runs/log-parameter`, { run_id: run, key: 'p', value: LONG })).status).toBe(200);
		expect((await call('POST', `${R}/registered-models/create`, { name: `m${'a'.repeat(250)}` })).status).toBe(200);
		await call('POST', `${R}/logged-models`, { experiment_id: exp, name: 'lm', params: [{ key: 'p', value: LONG }] });

		const runs = async (filter: string) => (await call('POST', `${R}/runs/search`, { experiment_ids: [exp], filter })).body.runs?.length ?? 0;
		expect(await runs(`params.p LIKE '${NO_MATCH}'`)).toBe(0);
		expect(await runs(`params.p ILIKE '${MATCH.toUpperCase()}'`)).toBe(1);
		const exps = await call('POST', `${R}/experiments/search`, { filter: `name LIKE '${NO_MATCH}'` });
		expect(exps.body.experiments ?? []).toEqual([]);
		const models = await call('GET', `${R}/registered-models/search?filter=${encodeURIComponent(`name LIKE '${MATCH}'`)}`);
		expect(models.body.registered_models).toHaveLength(1);
		const logged = await call('POST', `${R}/logged-models/search`, { experiment_ids: [exp], filter: `params.p LIKE '${NO_MATCH}'` });
		expect(logged.body.models).toEqual([]);
		expect((await call('GET', '/healthz')).status).toBe(200);
	});
});
