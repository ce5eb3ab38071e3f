// Reading documents over HTTP against the real server: `GET /api/docs/<name>?sv=` answers exactly the update a
// client with that state vector lacks, and `POST /api/docs` answers many documents at once, in request order;
// bad names, state vectors and bodies are refused with precise errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docNames } from '../src/lib/core/schema';
import { readSeries } from '../src/lib/core/docs/series';
import { decodeDocBatchAnswer, encodeBase64 } from '../src/lib/core/doc-batch';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer({ staticDir: null });
});
afterAll(async () => {
	await server?.close();
});

async function createRunWith(values: number[]): Promise<string> {
	const { body } = await callJson(server.url, 'POST', '/api/runs', { body: { experiment_name: 'docs-api' } });
	const steps = values.map((_, i) => i);
	const logged = await callJson(server.url, 'POST', `/api/runs/${body.run_id}/log`, { body: { metrics: { loss: { steps, values } } } });
	expect(logged.status).toBe(200);
	return body.run_id;
}

async function getDoc(name: string, sv?: Uint8Array): Promise<Response> {
	const q = sv ? `?sv=${encodeURIComponent(encodeBase64(sv))}` : '';
	return fetch(`${server.url}/api/docs/${name}${q}`);
}

describe('GET /api/docs/<name>', () => {
	it('sends the whole document, then only what a client lacks', async () => {
		const runId = await createRunWith([3, 2, 1]);
		const name = docNames.series(runId, 'loss');
		const doc = new Y.Doc();
		const first = await getDoc(name);
		expect(first.status).toBe(200);
		expect(first.headers.get('content-type')).toBe('application/octet-stream');
		Y.applyUpdate(doc, new Uint8Array(await first.arrayBuffer()));
		expect(Array.from(readSeries(doc).values)).toEqual([3, 2, 1]);

		await callJson(server.url, 'POST', `/api/runs/${runId}/log`, { body: { metrics: { loss: { steps: [3], values: [0.5] } } } });
		const diff = new Uint8Array(await (await getDoc(name, Y.encodeStateVector(doc))).arrayBuffer());
		expect(diff.byteLength).toBeLessThan(200);
		Y.applyUpdate(doc, diff);
		expect(Array.from(readSeries(doc).values)).toEqual([3, 2, 1, 0.5]);
	});

	it('refuses an unknown document name or a bad state vector', async () => {
		const badName = await callJson(server.url, 'GET', '/api/docs/nope%2F..%2Fx');
		expect(badName.status).toBe(400);
		expect(badName.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('Unknown document name') });
		const notBase64 = await callJson(server.url, 'GET', '/api/docs/workspace?sv=%%%');
		expect(notBase64.status).toBe(400);
		const notVector = await callJson(server.url, 'GET', `/api/docs/workspace?sv=${encodeURIComponent(encodeBase64(new Uint8Array([255, 255, 255])))}`);
		expect(notVector.status).toBe(400);
		expect(notVector.body.message).toMatch(/not a valid Yjs state vector/);
	});
});

describe('POST /api/docs', () => {
	it('answers many documents in request order, each diffed against its own state vector', async () => {
		const a = await createRunWith([1, 2]);
		const b = await createRunWith([7, 8, 9]);
		const known = new Y.Doc();
		Y.applyUpdate(known, new Uint8Array(await (await getDoc(docNames.series(b, 'loss'))).arrayBuffer()));
		const res = await fetch(`${server.url}/api/docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ docs: [{ name: docNames.series(a, 'loss') }, { name: docNames.series(b, 'loss'), sv: encodeBase64(Y.encodeStateVector(known)) }, { name: 'workspace' }] })
		});
		expect(res.status).toBe(200);
		const [ua, ub, uw] = decodeDocBatchAnswer(new Uint8Array(await res.arrayBuffer()));
		const da = new Y.Doc();
		Y.applyUpdate(da, ua);
		expect(Array.from(readSeries(da).values)).toEqual([1, 2]);
		expect(ub.byteLength).toBeLessThan(10); // b had everything already
		const ws = new Y.Doc();
		Y.applyUpdate(ws, uw);
		expect(ws.getMap('experiments').size).toBeGreaterThan(0);
	});

	it('refuses a malformed body, naming the bad entry', async () => {
		const notArray = await callJson(server.url, 'POST', '/api/docs', { body: { docs: 'workspace' } });
		expect(notArray.status).toBe(400);
		expect(notArray.body.error_code).toBe('INVALID_PARAMETER_VALUE');
		const badEntry = await callJson(server.url, 'POST', '/api/docs', { body: { docs: [{ name: 'workspace' }, { name: '/etc/passwd' }] } });
		expect(badEntry.status).toBe(400);
		expect(badEntry.body.message).toMatch(/^docs\[1\]: Unknown document name/);
		const tooMany = await callJson(server.url, 'POST', '/api/docs', { body: { docs: Array(501).fill({ name: 'workspace' }) } });
		expect(tooMany.status).toBe(400);
		const notJson = await callJson(server.url, 'POST', '/api/docs', { raw: '{' });
		expect(notJson.status).toBe(400);
		expect(notJson.body.error_code).toBe('MALFORMED_REQUEST');
	});
});
