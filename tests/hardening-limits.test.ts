// No request can stall or crash the server (issue 11, items 5 and 6 for HTTP), against the real server on port 0:
// JSON nested past 400 levels is a 400; bodies past their route's limit a 413 naming it; headers or bodies that stop
// arriving are dropped within the configured bound (raw sockets, waiting for 'close'); MLflow's and Tandem's field
// limits answer INVALID_PARAMETER_VALUE; a hostile `~` pattern answers at once while /healthz stays responsive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { once } from './helpers/wait';
import { DEFAULT_BODY_LIMIT } from '../sync-server/http/router';

const R = '/api/2.0/mlflow';
const IDLE_MS = 300;
let server: TestServer;
let experimentId: string;
let runId: string;

const call = (method: string, p: string, body?: unknown) => callJson(server.url, method, p, { body });
const raw = (method: string, p: string, text: string) => callJson(server.url, method, p, { raw: text });
const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

/**
 * A raw connection that sends `text` (`HOST` replaced by the server's host) and then nothing; resolves with what the
 * server sent and the ms until it closed the connection.
 */
async function sendAndStall(text: string): Promise<{ answer: string; ms: number }> {
	const { port, host } = new URL(server.url);
	text = text.replace('HOST', host);
	const socket = net.connect(Number(port), '127.0.0.1');
	let answer = '';
	socket.on('data', (d) => (answer += d.toString()));
	await once(socket, 'connect');
	const t = performance.now();
	socket.write(text);
	await once(socket, 'close', 10_000);
	return { answer, ms: performance.now() - t };
}

beforeAll(async () => {
	server = await startTestServer({ staticDir: null, headersTimeoutMs: IDLE_MS, bodyIdleMs: IDLE_MS });
	const created = await call('POST', '/api/runs', { experiment_name: 'limits', run_name: 'r' });
	experimentId = created.body.experiment_id;
	runId = created.body.run_id;
});
afterAll(() => server.close());

describe('JSON depth', () => {
	it('answers 400 for bodies nested deeper than 400 levels, on MLflow and native routes, and 200 at 400', async () => {
		for (const depth of [401, 100_000]) {
			const mlflow = await raw('POST', `${R}/runs/search`, `{"experiment_ids": ${nested(depth)}}`);
			expect(mlflow.status).toBe(400);
			expect(mlflow.body).toEqual({ error_code: 'MALFORMED_REQUEST', message: 'Malformed JSON body: nested deeper than 400 levels' });
			expect((await raw('POST', '/api/runs', nested(depth))).status).toBe(400);
			expect((await raw('POST', `${R}/registered-models/create`, nested(depth))).status).toBe(400);
		}
		// A double-encoded body (a JSON string holding the JSON) is read once more, and checked again.
		const doubled = await raw('POST', `${R}/runs/search`, JSON.stringify(`{"a": ${nested(5000)}}`));
		expect(doubled.status).toBe(400);
		const ok = await raw('POST', `${R}/runs/search`, `{"experiment_ids": ["${experimentId}"], "x": ${nested(398)}}`);
		expect(ok.status).toBe(200);
		const model = await call('POST', `${R}/runs/log-model`, { run_id: runId, model_json: `{"a": ${nested(1000)}}` });
		expect(model.status).toBe(400);
		expect((await call('GET', '/healthz')).status).toBe(200);
	});
});

describe('body limits per route', () => {
	it(`refuses a JSON body past ${DEFAULT_BODY_LIMIT} bytes with 413 REQUEST_LIMIT_EXCEEDED naming the limit, declared or chunked`, async () => {
		const big = JSON.stringify({ run_id: runId, tags: [{ key: 'k', value: 'x'.repeat(DEFAULT_BODY_LIMIT) }] });
		const declared = await raw('POST', `${R}/runs/log-batch`, big);
		expect(declared.status).toBe(413);
		expect(declared.body).toEqual({ error_code: 'REQUEST_LIMIT_EXCEEDED', message: `Request body of ${big.length} bytes exceeds the limit of ${DEFAULT_BODY_LIMIT} bytes` });
		const chunks = new ReadableStream<Uint8Array>({
			start(c) {
				c.enqueue(new TextEncoder().encode(big));
				c.close();
			}
		});
		const res = await fetch(`${server.url}${R}/runs/log-batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
		expect(res.status).toBe(413);
		expect((await res.json()).message).toBe(`Request body exceeds the limit of ${DEFAULT_BODY_LIMIT} bytes`);
	});

	it('lets a native log batch and MLflow log-inputs past the default, which need more', async () => {
		const points = Array.from({ length: 100_000 }, (_, i) => ({ key: 'train/loss_per_batch', value: i / 7, step: i, timestamp: 1_700_000_000_000 + i }));
		const body = JSON.stringify({ metrics: points });
		expect(body.length).toBeGreaterThan(DEFAULT_BODY_LIMIT);
		const res = await raw('POST', `/api/runs/${runId}/log`, body);
		expect({ status: res.status, points: res.body.points }).toEqual({ status: 200, points: 100_000 });
		const profile = 'p'.repeat(DEFAULT_BODY_LIMIT + 1);
		const inputs = await call('POST', `${R}/runs/log-inputs`, {
			run_id: runId,
			datasets: [{ dataset: { name: 'd', digest: 'x', source_type: 'local', source: 's', profile } }]
		});
		expect(inputs.status).toBe(200);
	});
});

describe('requests that stop arriving', () => {
	it('closes a connection whose headers never end, within the headers timeout', async () => {
		const { answer, ms } = await sendAndStall(`GET /healthz HTTP/1.1\r\nHost: x\r\n`);
		expect(answer).toMatch(/^HTTP\/1\.1 408/);
		expect(ms).toBeLessThan(IDLE_MS + 2_000);
	});

	it('answers 408 and closes a JSON request whose body stops, within the idle bound', async () => {
		const head = `POST ${R}/runs/log-batch HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
		const { answer, ms } = await sendAndStall(`${head}{"run_id": "`);
		expect(answer).toMatch(/^HTTP\/1\.1 408/);
		expect(answer).toContain('"error_code":"REQUEST_TIMEOUT"');
		expect(ms).toBeLessThan(IDLE_MS + 2_000);
	});

	it('closes a request refused before its body was read (a foreign Host) when the body stops', async () => {
		const { answer, ms } = await sendAndStall(`POST ${R}/runs/create HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 1000\r\n\r\n{`);
		expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/);
		expect(ms).toBeLessThan(IDLE_MS + 2_000);
	});

	it('drops an artifact upload that goes idle, and keeps nothing of it', async () => {
		const p = `/api/runs/${runId}/artifacts/stalled.bin`;
		const { answer, ms } = await sendAndStall(`PUT ${p} HTTP/1.1\r\nHost: HOST\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(500)}`);
		expect(answer).toMatch(/^HTTP\/1\.1 408/);
		expect(ms).toBeLessThan(IDLE_MS + 2_000);
		expect((await call('GET', p)).status).toBe(404);
		expect((await call('GET', '/healthz')).status).toBe(200);
	});
});

describe('MLflow field limits', () => {
	const create = (body: object) => call('POST', `${R}/runs/create`, { experiment_id: experimentId, ...body });
	const expectInvalid = (res: { status: number; body: { error_code: string; message: string } }, message: RegExp) => {
		expect(res.status).toBe(400);
		expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect(res.body.message).toMatch(message);
	};

	it('run names: at most 250 characters on create, update and the mlflow.runName tag (a 1 MB name is refused)', async () => {
		expect((await create({ run_name: 'n'.repeat(250) })).status).toBe(200);
		expectInvalid(await create({ run_name: 'n'.repeat(1_000_000) }), /exceeds the maximum length of 250 characters/);
		expectInvalid(await create({ tags: [{ key: 'mlflow.runName', value: 'n'.repeat(251) }] }), /maximum length of 250/);
		expectInvalid(await call('POST', `${R}/runs/update`, { run_id: runId, run_name: 'n'.repeat(251) }), /maximum length of 250/);
		expectInvalid(await call('POST', `${R}/runs/set-tag`, { run_id: runId, key: 'mlflow.runName', value: 'n'.repeat(251) }), /maximum length of 250/);
		expectInvalid(await call('POST', `${R}/runs/log-batch`, { run_id: runId, tags: [{ key: 'mlflow.runName', value: 'n'.repeat(251) }] }), /maximum length of 250/);
		expectInvalid(await create({ user_id: 'u'.repeat(257) }), /'user_id' exceeds the maximum length of 256/);
		expect((await call('GET', `${R}/runs/get?run_id=${runId}`)).body.run.info.run_name).toBe('r');
	});

	it('counts: at most 1,000 tags on runs/create and logged models; log-batch keeps MLflow\'s 1,000 / 100 / 100', async () => {
		const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `t${i}`, value: 'v' }));
		expectInvalid(await create({ tags: tags(1001) }), /at most 1000 tags/);
		expectInvalid(await call('POST', `${R}/runs/log-batch`, { run_id: runId, tags: tags(101) }), /at most 100 tags/);
		expectInvalid(await call('POST', `${R}/logged-models`, { experiment_id: experimentId, name: 'm', tags: tags(1001) }), /at most 1000 tags/);
	});

	it('experiment artifact locations, dataset source types and the native API', async () => {
		expectInvalid(await call('POST', `${R}/experiments/create`, { name: 'x', artifact_location: `/tmp/${'a'.repeat(3000)}` }), /'artifact_location' exceeds the maximum length of 2048/);
		const dataset = { name: 'd', digest: 'x', source_type: 's'.repeat(37), source: 's' };
		expectInvalid(await call('POST', `${R}/runs/log-inputs`, { run_id: runId, datasets: [{ dataset }] }), /'source_type' exceeds the maximum length of 36/);
		expectInvalid(await call('POST', '/api/runs', { experiment_id: experimentId, run_name: 'n'.repeat(251) }), /'run_name' is 251 characters long; the limit is 250/);
		expectInvalid(await call('POST', '/api/runs', { experiment_id: experimentId, tags: { 'mlflow.runName': 'n'.repeat(251) } }), /maximum length of 250/);
	});
});

describe('hostile regular expressions', () => {
	it("answers '^(a+)+$' over long values at once on the first screen and MLflow LIKE on runs/search; /healthz stays responsive", async () => {
		await call('POST', `/api/runs/${runId}/log`, { tags: { long: `${'a'.repeat(7999)}b` }, params: { p: `${'a'.repeat(5999)}b` } });
		const started = performance.now();
		const health = (async () => {
			const t = performance.now();
			expect((await call('GET', '/healthz')).status).toBe(200);
			return performance.now() - t;
		})();
		const q = encodeURIComponent("tags.long ~ '^(a+)+$' or tags.long ~ '(a|aa)+c'");
		const first = await call('GET', `/api/experiments/${experimentId}/first-screen?q=${q}`);
		expect(first.status).toBe(200);
		expect(first.body.matched).toBe(0);
		const like = await call('POST', `${R}/runs/search`, { experiment_ids: [experimentId], filter: `params.p LIKE '${'%a'.repeat(40)}%c'` });
		expect(like.status).toBe(200);
		expect(performance.now() - started).toBeLessThan(2_000);
		expect(await health).toBeLessThan(2_000);
		const tooLong = await call('GET', `/api/experiments/${experimentId}/first-screen?q=${encodeURIComponent(`tags.long ~ '${'a'.repeat(1001)}'`)}`);
		expect(tooLong.status).toBe(400);
		expect(tooLong.body.message).toMatch(/the pattern is 1001 characters long; the limit is 1000/);
	});
});
