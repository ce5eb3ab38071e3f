// The MLflow UI's artifact routes against the real server: upload-artifact and the root /get-artifact, a model
// version's files through /model-versions/get-artifact, MLflow's bare "Invalid path" for traversal on every
// artifact query route, and Flask's redirect of a path with doubled slashes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';

let server: TestServer;
const R = '/api/2.0/mlflow';
const call = (method: string, p: string, body?: unknown) => callJson(server.url, method, p, { body });

async function createRun(): Promise<string> {
	const res = await call('POST', `${R}/runs/create`, { experiment_id: '0' });
	expect(res.status).toBe(200);
	return res.body.run.info.run_id;
}

const upload = (query: string, body?: string) =>
	fetch(`${server.url}/ajax-api/2.0/mlflow/upload-artifact?${query}`, { method: 'POST', body }).then(async (r) => ({ status: r.status, body: await r.json() }));

beforeAll(async () => {
	server = await startTestServer({ staticDir: null });
});
afterAll(async () => {
	await server?.close();
});

describe('MLflow UI artifact routes', () => {
	it('uploads a file from the UI and serves it at /get-artifact', async () => {
		const runId = await createRun();
		expect(await upload(`run_uuid=${runId}&path=notes/test.txt`, 'hello world')).toEqual({ status: 200, body: {} });
		const got = await fetch(`${server.url}/get-artifact?run_uuid=${runId}&path=notes/test.txt`);
		expect({ status: got.status, text: await got.text() }).toEqual({ status: 200, text: 'hello world' });
		const listed = await call('GET', `${R}/artifacts/list?run_id=${runId}&path=notes`);
		expect(listed.body.files).toEqual([{ path: 'notes/test.txt', is_dir: false, file_size: 11 }]);
	});

	it('refuses upload-artifact requests the way MLflow words it, before touching the run', async () => {
		const runId = await createRun();
		const cases: [string, string | undefined, string][] = [
			['', 'x', 'Request must specify run_uuid.'],
			[`run_uuid=${runId}`, 'x', 'Request must specify path.'],
			[`run_uuid=${runId}&path=`, 'x', 'Request must specify path.'],
			[`run_uuid=${runId}&path=../test.txt`, 'x', 'Invalid path'],
			[`run_uuid=${runId}&path=test.txt`, undefined, 'Request must specify data.']
		];
		for (const [query, body, message] of cases) {
			expect({ query, ...(await upload(query, body)) }).toEqual({ query, status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message } });
		}
		expect((await upload(`run_uuid=${'0'.repeat(32)}&path=a.txt`, 'x')).status).toBe(404);
	});

	it('answers a traversal path with MLflow\'s bare "Invalid path" on list, get-artifact and model-versions/get-artifact', async () => {
		const runId = await createRun();
		const invalidPath = { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' } };
		expect(await call('GET', `${R}/artifacts/list?run_id=${runId}&path=../path`)).toEqual(invalidPath);
		expect(await call('GET', `/get-artifact?run_id=${runId}&path=../path`)).toEqual(invalidPath);
		expect(await call('GET', `/model-versions/get-artifact?name=m&version=1&path=%2e%2e/x`)).toEqual(invalidPath);
	});

	it('redirects a path with doubled slashes to the route it names, as Flask does', async () => {
		const res = await fetch(`${server.url}//model-versions/get-artifact?name=m&version=1&path=x`, { redirect: 'manual' });
		expect({ status: res.status, location: res.headers.get('location') }).toEqual({ status: 308, location: '/model-versions/get-artifact?name=m&version=1&path=x' });
		expect((await fetch(`${server.url}//no/such/route`, { redirect: 'manual' })).status).not.toBe(308);
	});

	it("serves a registered model version's files from its source", async () => {
		const runId = await createRun();
		expect((await upload(`run_uuid=${runId}&path=model/MLmodel`, 'flavors: {}')).status).toBe(200);
		const run = (await call('GET', `${R}/runs/get?run_id=${runId}`)).body.run;
		expect((await call('POST', `${R}/registered-models/create`, { name: 'ui-files' })).status).toBe(200);
		const created = await call('POST', `${R}/model-versions/create`, { name: 'ui-files', source: `${run.info.artifact_uri}/model`, run_id: runId });
		expect(created.status).toBe(200);
		const got = await fetch(`${server.url}/model-versions/get-artifact?name=ui-files&version=1&path=MLmodel`);
		expect({ status: got.status, text: await got.text() }).toEqual({ status: 200, text: 'flavors: {}' });
		expect((await call('GET', `/model-versions/get-artifact?name=ui-files&version=2&path=MLmodel`)).status).toBe(404);
	});
});
