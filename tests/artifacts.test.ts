// Artifacts over HTTP against the real server: MLflow's proxied artifact routes, native and content-addressed
// routes, dedup on disk, listing, Range, traversal attempts sent as raw request lines, and the manifest live
// in a real y-websocket client; plus the official Python client (tests/python/artifacts_*.py).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { startServer, type TandemServer } from '../sync-server/server';
import { docNames } from '../src/lib/core/schema';
import { readArtifacts } from '../src/lib/core/docs/run';
import { waitFor } from './helpers/wait';
import { runPython } from './helpers/python';

const MAX_ARTIFACT_BYTES = 1024 * 1024;
let server: TandemServer;
let dataDir: string;

interface RawResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

/** An HTTP request with the path sent exactly as given (fetch would resolve `..` and `%2e%2e` first). */
function raw(method: string, rawPath: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<RawResponse> {
	const { hostname, port } = new URL(server.url);
	return new Promise((resolve, reject) => {
		const req = http.request({ host: hostname, port, method, path: rawPath, headers }, (res) => {
			const parts: Buffer[] = [];
			res.on('data', (d: Buffer) => parts.push(d));
			res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(body);
	});
}

const json = (r: RawResponse) => JSON.parse(r.body.toString('utf8'));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function createRun(experimentName: string): Promise<{ runId: string; expId: string; base: string }> {
	const res = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_name: experimentName }) });
	const { run_id, experiment_id } = (await res.json()) as { run_id: string; experiment_id: string };
	return { runId: run_id, expId: experiment_id, base: `/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${run_id}/artifacts` };
}

/** Every blob file under the store, and leftover temp files. */
async function listBlobFiles(): Promise<{ blobs: string[]; tmp: string[] }> {
	const root = path.join(dataDir, 'blobs');
	const blobs: string[] = [];
	for (const prefix of await readdir(path.join(root, 'sha256'))) {
		for (const name of await readdir(path.join(root, 'sha256', prefix))) blobs.push(prefix + name);
	}
	return { blobs, tmp: await readdir(path.join(root, 'tmp')) };
}

beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-artifacts-'));
	server = await startServer({ port: 0, dataDir, staticDir: null, maxArtifactBytes: MAX_ARTIFACT_BYTES });
});
afterAll(async () => {
	await server?.close();
	await rm(dataDir, { recursive: true, force: true });
});

describe('MLflow artifact routes', () => {
	it('round-trips bytes with ETag, revalidation and attachment headers, then 304 on If-None-Match', async () => {
		const { base } = await createRun('art-roundtrip');
		const bytes = randomBytes(300_000);
		const put = await raw('PUT', `${base}/dir/weights.bin`, bytes, { 'content-type': 'application/octet-stream' });
		expect({ status: put.status, body: json(put) }).toEqual({ status: 200, body: {} });

		const got = await raw('GET', `${base}/dir/weights.bin`);
		expect(got.status).toBe(200);
		expect(got.body.equals(bytes)).toBe(true);
		expect(got.headers).toMatchObject({
			etag: `"${sha256(bytes)}"`,
			'cache-control': 'no-cache',
			'content-type': 'application/octet-stream',
			'content-length': String(bytes.length),
			'accept-ranges': 'bytes',
			'x-content-type-options': 'nosniff'
		});
		expect(got.headers['content-disposition']).toContain('filename="weights.bin"');
		const again = await raw('GET', `${base}/dir/weights.bin`, undefined, { 'if-none-match': `"${sha256(bytes)}"` });
		expect({ status: again.status, length: again.body.length }).toEqual({ status: 304, length: 0 });

		// Overwriting a path serves the new content under a new ETag.
		const text = Buffer.from('second version\n');
		expect((await raw('PUT', `${base}/dir/weights.bin`, text)).status).toBe(200);
		const second = await raw('GET', `${base}/dir/weights.bin`);
		expect({ body: second.body.toString(), etag: second.headers.etag }).toEqual({ body: 'second version\n', etag: `"${sha256(text)}"` });
	});

	it('stores identical content uploaded under two paths once, and leaves no temp files', async () => {
		const { base } = await createRun('art-dedup');
		const bytes = randomBytes(64 * 1024);
		const before = await listBlobFiles();
		expect((await raw('PUT', `${base}/a/copy1.bin`, bytes)).status).toBe(200);
		expect((await raw('PUT', `${base}/b/copy2.bin`, bytes)).status).toBe(200);
		const after = await listBlobFiles();
		expect(after.blobs.length - before.blobs.length).toBe(1);
		expect(after.blobs.filter((b) => b === sha256(bytes))).toHaveLength(1);
		expect(after.tmp).toEqual([]);
		expect((await raw('GET', `${base}/b/copy2.bin`)).body.equals(bytes)).toBe(true);
	});

	it('lists direct children as MLflow does, and {} for files, missing paths and empty results', async () => {
		const { expId, runId, base } = await createRun('art-list');
		for (const [p, body] of [['a.txt', 'a'], ['dir/b.txt', 'bb'], ['dir/sub/c.txt', 'ccc']] as const) {
			expect((await raw('PUT', `${base}/${p}`, body)).status).toBe(200);
		}
		const list = async (p: string) => json(await raw('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(p)}`));
		const root = `${expId}/${runId}/artifacts`;
		expect(await list(root)).toEqual({ files: [{ path: 'a.txt', is_dir: false, file_size: 1 }, { path: 'dir', is_dir: true }] });
		expect(await list(`${root}/dir`)).toEqual({ files: [{ path: 'b.txt', is_dir: false, file_size: 2 }, { path: 'sub', is_dir: true }] });
		expect(await list(`${root}/a.txt`)).toEqual({});
		expect(await list(`${root}/missing`)).toEqual({});
		// The UI's listing answers run-relative paths.
		const ui = json(await raw('GET', `/ajax-api/2.0/mlflow/artifacts/list?run_id=${runId}&path=dir`));
		expect(ui).toEqual({
			root_uri: `mlflow-artifacts:/${expId}/${runId}/artifacts`,
			files: [{ path: 'dir/b.txt', is_dir: false, file_size: 2 }, { path: 'dir/sub', is_dir: true }]
		});
		// DELETE of a directory removes everything below it.
		expect(json(await raw('DELETE', `${base}/dir`))).toEqual({});
		expect(await list(root)).toEqual({ files: [{ path: 'a.txt', is_dir: false, file_size: 1 }] });
		expect((await raw('GET', `${base}/dir/b.txt`)).status).toBe(404);
	});

	it('answers Range requests with 206 and unsatisfiable ones with 416', async () => {
		const { base } = await createRun('art-range');
		const bytes = randomBytes(1000);
		await raw('PUT', `${base}/r.bin`, bytes);
		const mid = await raw('GET', `${base}/r.bin`, undefined, { range: 'bytes=100-199' });
		expect({ status: mid.status, range: mid.headers['content-range'], length: mid.headers['content-length'] }).toEqual({
			status: 206,
			range: 'bytes 100-199/1000',
			length: '100'
		});
		expect(mid.body.equals(bytes.subarray(100, 200))).toBe(true);
		const suffix = await raw('GET', `${base}/r.bin`, undefined, { range: 'bytes=-10' });
		expect({ status: suffix.status, same: suffix.body.equals(bytes.subarray(990)) }).toEqual({ status: 206, same: true });
		const past = await raw('GET', `${base}/r.bin`, undefined, { range: 'bytes=1000-' });
		expect({ status: past.status, range: past.headers['content-range'], length: past.body.length }).toEqual({ status: 416, range: 'bytes */1000', length: 0 });
		// A stale If-Range (the path was overwritten) gets the whole current content.
		const whole = await raw('GET', `${base}/r.bin`, undefined, { range: 'bytes=0-9', 'if-range': '"0000"' });
		expect({ status: whole.status, length: whole.body.length }).toEqual({ status: 200, length: 1000 });
	});

	it('rejects traversal, absolute and NUL paths with 400 and writes nothing', async () => {
		const { runId, base } = await createRun('art-traversal');
		const before = await listBlobFiles();
		const attempts = [
			`${base}/../escape.txt`,
			`${base}/a/../../escape.txt`,
			`${base}/%2e%2e/escape.txt`,
			`${base}/a/%2E%2E/%2e%2e/escape.txt`,
			`${base}/..%2Fescape.txt`,
			`${base}//etc/passwd`,
			`${base}/%2Fetc%2Fpasswd`,
			`${base}/C:/evil.txt`,
			`${base}/a%00b.txt`,
			`${base}/a\\..\\b.txt`,
			`/api/runs/${runId}/artifacts/a/../escape.txt`,
			`/api/runs/${runId}/artifacts/a/%2e%2e/escape.txt`,
			`/api/runs/${runId}/artifacts//etc/passwd`,
			`/api/runs/${runId}/artifacts/x%00.txt`
		];
		for (const p of attempts) {
			const res = await raw('PUT', p, 'payload');
			expect({ p, status: res.status, code: json(res).error_code }).toEqual({ p, status: 400, code: 'INVALID_PARAMETER_VALUE' });
		}
		// Climbing out of the artifact routes altogether names no endpoint at all.
		const out = await raw('PUT', `/api/runs/${runId}/artifacts/../escape.txt`, 'payload');
		expect({ status: out.status, code: json(out).error_code }).toEqual({ status: 404, code: 'ENDPOINT_NOT_FOUND' });
		const listed = json(await raw('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(base.split('/artifacts/')[1] + '/../x')}`));
		expect(listed.error_code).toBe('INVALID_PARAMETER_VALUE');
		const after = await listBlobFiles();
		expect(after.blobs.sort()).toEqual(before.blobs.sort());
		expect(json(await raw('GET', `/api/runs/${runId}/artifacts`))).toEqual({ files: [] });
	});

	it('answers 404 for unknown runs and for a run under the wrong experiment; 413 past the size limit', async () => {
		const { runId, expId, base } = await createRun('art-errors');
		const ghost = 'f'.repeat(32);
		const cases: [string, string, number, string][] = [
			['PUT', `/api/2.0/mlflow-artifacts/artifacts/${expId}/${ghost}/artifacts/x.txt`, 404, 'RESOURCE_DOES_NOT_EXIST'],
			['GET', `/api/2.0/mlflow-artifacts/artifacts/${expId}/${ghost}/artifacts/x.txt`, 404, 'RESOURCE_DOES_NOT_EXIST'],
			['PUT', `/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/x.txt`, 404, 'RESOURCE_DOES_NOT_EXIST'],
			['GET', `${base}/never-uploaded.txt`, 404, 'RESOURCE_DOES_NOT_EXIST'],
			['PUT', `/api/runs/${ghost}/artifacts/x.txt`, 404, 'RESOURCE_DOES_NOT_EXIST'],
			['POST', `/api/2.0/mlflow-artifacts/mpu/create/${expId}/${runId}/artifacts/x.txt`, 501, 'NOT_IMPLEMENTED']
		];
		for (const [method, p, status, code] of cases) {
			const res = await raw(method, p, method === 'GET' ? undefined : 'x');
			expect({ p, status: res.status, code: json(res).error_code }).toEqual({ p, status, code });
		}
		const tooBig = await raw('PUT', `${base}/big.bin`, randomBytes(MAX_ARTIFACT_BYTES + 1));
		expect({ status: tooBig.status, code: json(tooBig).error_code }).toEqual({ status: 413, code: 'REQUEST_LIMIT_EXCEEDED' });
		// Streamed without a Content-Length, the limit is enforced while reading.
		const chunked = await new Promise<number>((resolve, reject) => {
			const { hostname, port } = new URL(server.url);
			const req = http.request({ host: hostname, port, method: 'PUT', path: `${base}/big2.bin`, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode!));
			});
			req.on('error', reject);
			for (let i = 0; i < 5; i++) req.write(randomBytes(MAX_ARTIFACT_BYTES / 4));
			req.end();
		});
		expect(chunked).toBe(413);
		expect((await listBlobFiles()).tmp).toEqual([]);
		expect(json(await raw('GET', `/api/runs/${runId}/artifacts`))).toEqual({ files: [] });
	});
});

describe('native and content-addressed routes', () => {
	it('uploads natively, serves /api/blobs/<sha256> as immutable, and sandboxes HTML and SVG', async () => {
		const { runId } = await createRun('art-native');
		const html = Buffer.from('<script>parent.steal()</script>');
		const put = await raw('PUT', `/api/runs/${runId}/artifacts/report/index.html`, html);
		expect(json(put)).toEqual({ path: 'report/index.html', sha256: sha256(html), size: html.length, type: 'text/html' });

		const byPath = await raw('GET', `/api/runs/${runId}/artifacts/report/index.html`);
		expect(byPath.headers).toMatchObject({ 'content-type': 'text/html', 'content-security-policy': 'sandbox', 'cache-control': 'no-cache' });
		const blob = await raw('GET', `/api/blobs/${sha256(html)}?name=index.html`);
		expect(blob.body.equals(html)).toBe(true);
		expect(blob.headers).toMatchObject({
			'content-type': 'text/html',
			'content-security-policy': 'sandbox',
			'x-content-type-options': 'nosniff',
			'cache-control': 'public, max-age=31536000, immutable',
			etag: `"${sha256(html)}"`
		});
		const svg = await raw('PUT', `/api/runs/${runId}/artifacts/plot.svg`, '<svg xmlns="http://www.w3.org/2000/svg"/>');
		expect(json(svg).type).toBe('image/svg+xml');
		expect((await raw('GET', `/api/blobs/${json(svg).sha256}?name=plot.svg`)).headers['content-security-policy']).toBe('sandbox');
		expect((await raw('GET', `/api/blobs/${json(svg).sha256}`)).headers['content-type']).toBe('application/octet-stream');
		expect((await raw('GET', `/api/blobs/${'0'.repeat(64)}`)).status).toBe(404);
		expect((await raw('GET', '/api/blobs/not-a-digest')).status).toBe(400);

		// MLflow's UI route serves the same bytes, sandboxed too.
		const ui = await raw('GET', `/ajax-api/2.0/mlflow/get-artifact?run_id=${runId}&path=report%2Findex.html`);
		expect({ same: ui.body.equals(html), csp: ui.headers['content-security-policy'] }).toEqual({ same: true, csp: 'sandbox' });
		const list = json(await raw('GET', `/api/runs/${runId}/artifacts?path=report`));
		expect(list.files).toEqual([expect.objectContaining({ path: 'report/index.html', is_dir: false, file_size: html.length, sha256: sha256(html) })]);
		// A file cannot turn into a directory or the other way round.
		const clash = await raw('PUT', `/api/runs/${runId}/artifacts/plot.svg/inner.txt`, 'x');
		expect({ status: clash.status, message: json(clash).message }).toEqual({ status: 400, message: "cannot write 'plot.svg/inner.txt': 'plot.svg' is a file" });
		expect(json(await raw('DELETE', `/api/runs/${runId}/artifacts/report`))).toEqual({ deleted: 1 });
	});

	it('shows the manifest in the run document over a real WebsocketProvider, live', async () => {
		const { runId, base } = await createRun('art-live');
		const doc = new Y.Doc();
		const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', docNames.run(runId), doc, { WebSocketPolyfill: WebSocket as never });
		try {
			await waitFor(() => provider.synced, { what: 'run doc synced' });
			const bytes = Buffer.from('{"a": 1}');
			expect((await raw('PUT', `${base}/config/params.json`, bytes)).status).toBe(200);
			const entry = await waitFor(() => readArtifacts(doc).get('config/params.json'), { what: 'manifest entry in client' });
			expect(entry).toMatchObject({ sha256: sha256(bytes), size: bytes.length, type: 'application/json' });
			expect(Math.abs(entry.mtime - Date.now())).toBeLessThan(60_000);
			await raw('DELETE', `${base}/config/params.json`);
			await waitFor(() => !readArtifacts(doc).has('config/params.json'), { what: 'manifest entry removed in client' });
		} finally {
			provider.destroy();
		}
	});
});

describe('official MLflow Python client', () => {
	it("drives MLflow's artifact repository (log_artifact(s), list, download, delete) against a native run", async () => {
		const { runId, expId } = await createRun('py-artifact-repo');
		const result = await runPython('artifacts_repo.py', server.url, { args: [expId, runId] });
		expect(result.code, result.stderr).toBe(0);
		const out = result.json as { root: string[]; digests: Record<string, string>; after_delete: string[] };
		expect(out.root).toEqual(['model', 'weights.bin']);
		expect(out.after_delete).toEqual(['model/MLmodel']);
		// What the server recorded matches what Python hashed on its side.
		const files = json(await raw('GET', `/api/runs/${runId}/artifacts?path=model`)).files;
		expect(files).toEqual([expect.objectContaining({ path: 'model/MLmodel', sha256: out.digests['model/MLmodel'] })]);
		const weights = await raw('GET', `/api/runs/${runId}/artifacts/weights.bin`);
		expect(sha256(weights.body)).toBe(out.digests['weights.bin']);
	});

	it('logs and reads artifacts with log_artifact(s), log_dict, log_text, list_artifacts and download_artifacts', async () => {
		const result = await runPython('artifacts_client.py', server.url);
		expect(result.code, result.stderr).toBe(0);
		const out = result.json as { run_id: string; experiment_id: string; listed: string[]; downloaded: Record<string, string> };
		expect(out.listed).toEqual(['config.json', 'data', 'notes.txt', 'report.txt']);
		// Cross-check from the server side: the manifest holds exactly what Python logged.
		const files = json(await raw('GET', `/api/runs/${out.run_id}/artifacts?path=data/nested`)).files;
		expect(files.map((f: { path: string }) => f.path)).toEqual(['data/nested/deep.bin']);
		for (const [p, digest] of Object.entries(out.downloaded)) {
			const res = await raw('GET', `/api/2.0/mlflow-artifacts/artifacts/${out.experiment_id}/${out.run_id}/artifacts/${p.split('/').map(encodeURIComponent).join('/')}`);
			expect({ p, digest: sha256(res.body) }).toEqual({ p, digest });
		}
	});
});
