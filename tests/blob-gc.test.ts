// Blob garbage collection against the real server: POST /api/admin/gc deletes blobs no run's manifest references
// (an artifact deleted from its run), keeps shared blobs while one run still names them, keeps deleted runs'
// artifacts, reads manifests from rooms the relay holds and from the store alike (after a restart); and the schedule runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';
import type { GcResult } from '../sync-server/blobs/gc';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function createRun(url: string): Promise<string> {
	const { status, body } = await callJson(url, 'POST', '/api/runs', { body: { experiment_name: 'gc' } });
	expect(status).toBe(200);
	return body.run_id as string;
}

async function upload(url: string, runId: string, path: string, bytes: Buffer): Promise<string> {
	const res = await fetch(`${url}/api/runs/${runId}/artifacts/${path}`, { method: 'PUT', body: new Uint8Array(bytes) });
	expect(res.status).toBe(200);
	const { sha256: sha } = (await res.json()) as { sha256: string };
	expect(sha).toBe(sha256(bytes));
	return sha;
}

async function removeArtifact(url: string, runId: string, path: string): Promise<void> {
	const { status, body } = await callJson(url, 'DELETE', `/api/runs/${runId}/artifacts/${path}`);
	expect([status, body]).toEqual([200, { deleted: 1 }]);
}

/** The blob's bytes, or null on 404. */
async function blob(url: string, sha: string): Promise<Buffer | null> {
	const res = await fetch(`${url}/api/blobs/${sha}`);
	if (res.status === 404) return null;
	expect(res.status).toBe(200);
	return Buffer.from(await res.arrayBuffer());
}

const gc = (url: string) => callJson(url, 'POST', '/api/admin/gc');

describe('POST /api/admin/gc', () => {
	let server: TestServer;
	const logs: string[] = [];
	const a = randomBytes(3000);
	const shared = randomBytes(2000);
	const orphan = randomBytes(1000);
	const kept = randomBytes(500);
	let run1: string;
	let run2: string;

	beforeAll(async () => {
		server = await startTestServer({ staticDir: null, gcIntervalMs: 0, gcGraceMs: 0, log: (m) => logs.push(m) });
		run1 = await createRun(server.url);
		run2 = await createRun(server.url);
	});
	afterAll(() => server.close());

	it('deletes a blob no manifest references and keeps the referenced ones byte-exact', async () => {
		await upload(server.url, run1, 'model/a.bin', a);
		await upload(server.url, run1, 'shared.txt', shared);
		await upload(server.url, run2, 'copy/shared.txt', shared);
		const orphanSha = await upload(server.url, run1, 'tmp/orphan.bin', orphan);
		await removeArtifact(server.url, run1, 'tmp/orphan.bin');
		expect(await blob(server.url, orphanSha)).toEqual(orphan); // still stored until collected

		expect(await gc(server.url)).toEqual({ status: 200, body: { deleted: 1, tooYoung: 0, referenced: 2 } });
		expect(await blob(server.url, orphanSha)).toBeNull();
		expect(await blob(server.url, sha256(a))).toEqual(a);
		expect(await blob(server.url, sha256(shared))).toEqual(shared);
		expect(logs.some((l) => /^blob gc: deleted 1, spared 0 too young, 2 referenced, 0 unfinished uploads removed, \d+ ms$/.test(l))).toBe(true);
	});

	it('keeps a blob shared by two runs until neither references it', async () => {
		await removeArtifact(server.url, run1, 'shared.txt');
		expect((await gc(server.url)).body).toEqual({ deleted: 0, tooYoung: 0, referenced: 2 });
		const res = await fetch(`${server.url}/api/runs/${run2}/artifacts/copy/shared.txt`);
		expect(Buffer.from(await res.arrayBuffer())).toEqual(shared);

		await removeArtifact(server.url, run2, 'copy/shared.txt');
		expect((await gc(server.url)).body).toEqual({ deleted: 1, tooYoung: 0, referenced: 1 });
		expect(await blob(server.url, sha256(shared))).toBeNull();
	});

	it("keeps a deleted run's artifacts", async () => {
		const run3 = await createRun(server.url);
		const keptSha = await upload(server.url, run3, 'kept.bin', kept);
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/runs/delete', { body: { run_id: run3 } })).status).toBe(200);
		const { body } = await callJson(server.url, 'GET', `/api/runs/${run3}`);
		expect(JSON.stringify(body)).toContain('deleted');

		expect((await gc(server.url)).body).toEqual({ deleted: 0, tooYoung: 0, referenced: 2 });
		expect(await blob(server.url, keptSha)).toEqual(kept);
	});

	it('reads manifests from the store when their rooms are not loaded (after a restart)', async () => {
		const orphan2 = randomBytes(700);
		const orphan2Sha = await upload(server.url, run2, 'later.bin', orphan2);
		await removeArtifact(server.url, run2, 'later.bin');
		await server.restart();

		expect((await gc(server.url)).body).toEqual({ deleted: 1, tooYoung: 0, referenced: 2 });
		expect(await blob(server.url, orphan2Sha)).toBeNull();
		expect(await blob(server.url, sha256(a))).toEqual(a);
		expect(await blob(server.url, sha256(kept))).toEqual(kept);
	});

	it('refuses parameters and malformed bodies', async () => {
		const extra = await callJson(server.url, 'POST', '/api/admin/gc', { body: { grace_ms: 0 } });
		expect(extra.status).toBe(400);
		expect(extra.body.error_code).toBe('INVALID_PARAMETER_VALUE');
		const malformed = await callJson(server.url, 'POST', '/api/admin/gc', { raw: '{' });
		expect([malformed.status, malformed.body.error_code]).toEqual([400, 'MALFORMED_REQUEST']);
		expect((await callJson(server.url, 'GET', '/api/admin/gc')).status).toBe(405);
	});
});

describe('the GC schedule', () => {
	it('runs a pass after the interval, then every interval, and keeps young blobs with the default grace', async () => {
		const passes: GcResult[] = [];
		const server = await startTestServer({ staticDir: null, gcIntervalMs: 200, gcGraceMs: 0, onGc: (r) => passes.push(r) });
		try {
			const runId = await createRun(server.url);
			const keep = randomBytes(100);
			const drop = randomBytes(100);
			// Upload right after a pass: with no grace, a pass between a blob's put and its manifest entry would take it.
			await waitFor(() => passes.length >= 1, { what: 'the first scheduled GC pass' });
			await upload(server.url, runId, 'keep.bin', keep);
			const dropSha = await upload(server.url, runId, 'drop.bin', drop);
			await removeArtifact(server.url, runId, 'drop.bin');
			await waitFor(() => passes.find((p) => p.deleted === 1), { what: 'a scheduled GC pass collecting the orphan' });
			await waitFor(() => passes.at(-1)!.deleted === 0, { what: 'the pass after it' });
			expect(await blob(server.url, dropSha)).toBeNull();
			expect(await blob(server.url, sha256(keep))).toEqual(keep);
			expect(passes.at(-1)).toMatchObject({ deleted: 0, tooYoung: 0, referenced: 1 });
		} finally {
			await server.close();
		}

		// With the default grace (1 h) a fresh orphan is spared and counted.
		const young = await startTestServer({ staticDir: null, gcIntervalMs: 0 });
		try {
			const runId = await createRun(young.url);
			const sha = await upload(young.url, runId, 'x.bin', randomBytes(10));
			await removeArtifact(young.url, runId, 'x.bin');
			expect((await gc(young.url)).body).toEqual({ deleted: 0, tooYoung: 1, referenced: 0 });
			expect(await blob(young.url, sha)).not.toBeNull();
		} finally {
			await young.close();
		}
	});
});
