// The TypeScript client SDK against the real server: bulk logging read back exactly, refused writes surfaced,
// a server restart mid-run (queued points delivered once, in order), and delivery at process exit and on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type TandemServer } from '../sync-server/server';
import { init, TandemHttpError, CLIENT_KEY_TAG } from '../src/lib/client-sdk/index';
import { once } from './helpers/wait';

const SDK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'lib', 'client-sdk', 'index.ts');
let server: TandemServer;
let dataDir: string;

async function getJson(p: string) {
	const res = await fetch(server.url + p);
	return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The metric as stored: steps, values (NaN as "NaN") and timestamps. */
async function readMetric(runId: string, key: string) {
	return (await getJson(`/api/runs/${runId}/metrics/${key}`)).body as { steps: number[]; values: (number | string)[]; timestamps: number[] };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const loss = (step: number) => 1 / (step + 1);
const acc = (step: number) => (step % 997 === 5 ? NaN : step / 5000);

beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-sdk-'));
	server = await startServer({ port: 0, dataDir, staticDir: null });
});
afterAll(async () => {
	await server?.close();
	await rm(dataDir, { recursive: true, force: true });
});

describe('client SDK', () => {
	it('delivers 5,000 steps of 3 metrics, params, tags and artifacts exactly once, in order', async () => {
		const errors: Error[] = [];
		const run = init({
			url: server.url,
			experiment: 'sdk-bulk',
			runName: 'bulk',
			params: { lr: 0.001, layers: 3 },
			tags: { team: 'sdk' },
			maxBatchPoints: 700,
			flushIntervalMs: 20,
			handleExit: false,
			onError: (e) => errors.push(e)
		});
		const t0 = 1_700_000_000_000;
		for (let step = 0; step < 5000; step++) {
			run.log({ loss: loss(step), acc: acc(step), 'sys/lr': 0.1 }, { step, timestamp: t0 + step });
			if (step === 2500) run.logParams({ optimizer: 'adam' });
		}
		run.setTags({ phase: 'train' });
		const file = path.join(dataDir, 'weights.bin');
		const fileBytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
		await writeFile(file, fileBytes);
		await Promise.all([run.logArtifact(new Blob(['hello from the sdk\n']), 'notes/hello.txt'), run.logArtifact(file, 'ckpt/weights.bin')]);
		await run.finish();
		expect(errors).toEqual([]);
		expect(run.stats).toEqual({ deliveredPoints: 15_000, droppedPoints: 0, queuedPoints: 0 });

		const { runId } = await run.ready;
		const stored = (await getJson(`/api/runs/${runId}`)).body.run;
		expect(stored).toMatchObject({ name: 'bulk', status: 'FINISHED', params: { lr: '0.001', layers: '3', optimizer: 'adam' } });
		expect(stored.tags).toMatchObject({ team: 'sdk', phase: 'train', 'mlflow.runName': 'bulk' });
		expect(stored.tags[CLIENT_KEY_TAG]).toMatch(/^[0-9a-f]{32}$/);
		const l = await readMetric(runId, 'loss');
		expect(l.steps).toEqual(range(0, 5000));
		expect(l.values).toEqual(range(0, 5000).map(loss));
		expect(l.timestamps).toEqual(range(0, 5000).map((s) => t0 + s));
		expect((await readMetric(runId, 'acc')).values).toEqual(range(0, 5000).map((s) => (Number.isNaN(acc(s)) ? 'NaN' : acc(s))));
		expect((await readMetric(runId, 'sys/lr')).steps).toEqual(range(0, 5000));
		expect(await (await fetch(`${server.url}/api/runs/${runId}/artifacts/notes/hello.txt`)).text()).toBe('hello from the sdk\n');
		expect(Buffer.from(await (await fetch(`${server.url}/api/runs/${runId}/artifacts/ckpt/weights.bin`)).arrayBuffer()).equals(fileBytes)).toBe(true);
		expect(() => run.log({ loss: 1 })).toThrow('the run is finished');
	});

	it('surfaces a refused write through onError and flush(), and keeps delivering the rest', async () => {
		const errors: Error[] = [];
		const run = init({ url: server.url, experiment: 'sdk-refused', params: { lr: '0.1' }, flushIntervalMs: 5, handleExit: false, onError: (e) => errors.push(e) });
		run.log({ x: 1 }, { step: 0 });
		run.logParams({ lr: '0.2' }); // params are immutable: 400
		run.log({ x: 2 }, { step: 1 });
		const err = await run.flush().catch((e) => e);
		expect(err).toBeInstanceOf(TandemHttpError);
		expect({ status: err.status, code: err.code }).toEqual({ status: 400, code: 'INVALID_PARAMETER_VALUE' });
		expect(errors).toEqual([err]);
		expect(() => run.log({ '../key': 1 })).toThrow(TypeError);
		expect(() => run.log({ y: '1' as unknown as number })).toThrow(TypeError);
		await run.finish();
		expect((await readMetric(run.info!.runId, 'x')).values).toEqual([1, 2]);

		const unknown = init({ url: server.url, experimentId: '424242', handleExit: false, onError: () => {} });
		unknown.log({ x: 1 });
		await expect(unknown.ready).rejects.toMatchObject({ status: 404, code: 'RESOURCE_DOES_NOT_EXIST' });
		await expect(unknown.flush()).rejects.toMatchObject({ status: 404 });
	});

	it('queues while the server is down and delivers by itself after a restart on the same data dir and port', async () => {
		const events = new EventEmitter();
		const run = init({
			url: server.url,
			experiment: 'sdk-restart',
			maxBatchPoints: 50,
			flushIntervalMs: 10,
			retry: { baseMs: 20, maxMs: 200 },
			handleExit: false,
			onRetry: (e) => events.emit('retry', e),
			onError: (e) => events.emit('error-seen', e)
		});
		const logSteps = (from: number, to: number) => {
			for (let step = from; step < to; step++) run.log({ a: step * 2, b: -step }, { step });
		};
		logSteps(0, 1000);
		await run.flush();
		const { runId } = run.info!;
		logSteps(1000, 2000); // batches are being sent as the server goes away
		const port = server.port;
		const retried = once(events, 'retry', 20_000);
		await server.close();
		logSteps(2000, 3000); // logged while the server is down: queued
		await retried;
		expect(run.stats.queuedPoints).toBeGreaterThan(0);
		server = await startServer({ port, dataDir, staticDir: null });
		await run.finish();
		expect(run.stats).toMatchObject({ droppedPoints: 0, queuedPoints: 0 });
		const a = await readMetric(runId, 'a');
		expect(a.steps).toEqual(range(0, 3000));
		expect(a.values).toEqual(range(0, 3000).map((s) => s * 2));
		expect((await readMetric(runId, 'b')).steps).toEqual(range(0, 3000));
		expect((await getJson(`/api/runs/${runId}`)).body.run.status).toBe('FINISHED');
	});
});

describe('client SDK at process exit', () => {
	/** Runs `code` in a child Node process (with `init` in scope) and resolves with its exit and output. */
	function runChild(code: string, onStdout?: (text: string, kill: (sig: NodeJS.Signals) => void) => void) {
		const script = `const { init } = await import(${JSON.stringify(SDK)});\n${code}`;
		const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		proc.stdout.on('data', (d: Buffer) => {
			out += d.toString();
			onStdout?.(out, (sig) => proc.kill(sig));
		});
		proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
		return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => proc.once('exit', (c, s) => resolve({ code: c, signal: s, out })));
	}

	it('delivers and finishes the run on beforeExit when the script never calls finish()', async () => {
		const child = await runChild(`
			const run = init({ url: ${JSON.stringify(server.url)}, experiment: 'sdk-exit', flushIntervalMs: 60000 });
			for (let step = 0; step < 1234; step++) run.log({ m: step }, { step });
			run.ready.then((r) => console.log('RUN ' + r.runId));
		`);
		expect(child.code, child.out).toBe(0);
		const runId = /RUN ([0-9a-f]{32})/.exec(child.out)![1];
		expect((await readMetric(runId, 'm')).steps).toEqual(range(0, 1234));
		expect((await getJson(`/api/runs/${runId}`)).body.run.status).toBe('FINISHED');
	});

	it('delivers, marks the run KILLED and still dies of SIGTERM', async () => {
		let sent = false;
		const child = await runChild(
			`
			const run = init({ url: ${JSON.stringify(server.url)}, experiment: 'sdk-signal', flushIntervalMs: 60000 });
			for (let step = 0; step < 500; step++) run.log({ m: step }, { step });
			run.ready.then((r) => console.log('RUN ' + r.runId));
			setInterval(() => {}, 1000); // a long-running training loop
		`,
			(out, kill) => {
				if (!sent && out.includes('RUN ')) {
					sent = true;
					kill('SIGTERM');
				}
			}
		);
		expect({ code: child.code, signal: child.signal }).toEqual({ code: null, signal: 'SIGTERM' });
		const runId = /RUN ([0-9a-f]{32})/.exec(child.out)![1];
		expect((await readMetric(runId, 'm')).steps).toEqual(range(0, 500));
		expect((await getJson(`/api/runs/${runId}`)).body.run.status).toBe('KILLED');
	});
});
