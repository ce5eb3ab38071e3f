// MLflow's own tools against the real server: `mlflow models serve` of a models:/<name>@champion URI answers
// /invocations with the model's own predictions, and `mlflow run` of tests/fixtures/mlproject (a git repo copy)
// records its run with entry point, parameters, source and commit. Both use the pinned 3.x venv (.venv-test).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython, VENV_BIN } from './helpers/python';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';

let server: TestServer;
const R = '/api/2.0/mlflow';
const FIXTURE = path.resolve(import.meta.dirname, 'fixtures', 'mlproject');

beforeAll(async () => {
	server = await startTestServer({ staticDir: null });
});
afterAll(async () => {
	await server?.close();
});

/** Runs the venv's `mlflow` command in its own process group, with the venv first on PATH (as an activated venv). */
function spawnMlflow(args: string[], cwd: string): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
	const proc = spawn(path.join(VENV_BIN, 'mlflow'), args, {
		cwd,
		detached: true,
		env: { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, MLFLOW_TRACKING_URI: server.url, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
	const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
	return { proc, output: () => out, exited };
}

/** Stops a process group: SIGTERM, then SIGKILL for whatever is left once the leader has gone (or after 20 s). */
async function killGroup(proc: ChildProcess, exited: Promise<unknown>): Promise<void> {
	const signal = (s: NodeJS.Signals) => {
		try {
			process.kill(-proc.pid!, s);
		} catch {
			// ESRCH: the group is already gone
		}
	};
	signal('SIGTERM');
	await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
	signal('SIGKILL');
}

/** A TCP port that was free a moment ago (the serving tool needs a number, not port 0). */
function findFreePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}

describe('mlflow models serve against Tandem (mlflow 3.17.2)', () => {
	it('serves models:/<name>@champion; /invocations answers split, records and inputs bodies with the model’s predictions', async () => {
		const setup = await runPython('models_serve_setup.py', server.url, { args: ['served'], timeoutMs: 180_000 });
		expect(setup.code, `setup failed:\n${setup.stdout}\n${setup.stderr}`).toBe(0);
		const { uri, columns, data, records, expected } = setup.json as {
			uri: string;
			columns: string[];
			data: number[][];
			records: Record<string, number>[];
			expected: number[];
		};
		expect(expected).toEqual([0, 1, 2, 2]);
		const port = await findFreePort();
		const serving = spawnMlflow(['models', 'serve', '-m', uri, '--env-manager', 'local', '--port', String(port), '--host', '127.0.0.1'], os.tmpdir());
		const base = `http://127.0.0.1:${port}`;
		try {
			let exitCode: number | null | undefined;
			void serving.exited.then((c) => (exitCode = c));
			await waitFor(
				async () => {
					if (exitCode !== undefined) throw new Error(`mlflow models serve exited (${exitCode}):\n${serving.output()}`);
					return (await fetch(`${base}/ping`)).ok;
				},
				{ timeoutMs: 180_000, pollMs: 250, what: `mlflow models serve on ${base}/ping` }
			);
			const invoke = async (body: unknown) => {
				const res = await callJson(base, 'POST', '/invocations', { body });
				expect(res.status, JSON.stringify(res.body)).toBe(200);
				return res.body;
			};
			const byColumn = Object.fromEntries(columns.map((c, i) => [c, data.map((row) => row[i])]));
			expect(await invoke({ dataframe_split: { columns, data } })).toEqual({ predictions: expected });
			expect(await invoke({ dataframe_records: records })).toEqual({ predictions: expected });
			expect(await invoke({ inputs: byColumn })).toEqual({ predictions: expected });
			// A bad body is the scoring server's 400, not a hang or a 500.
			expect((await callJson(base, 'POST', '/invocations', { body: { nonsense: 1 } })).status).toBe(400);
		} finally {
			await killGroup(serving.proc, serving.exited);
		}
		await waitFor(async () => fetch(`${base}/ping`).then(() => false, () => true), { timeoutMs: 20_000, what: 'the serving port to close' });
	}, 420_000);
});

describe('mlflow run (MLflow projects) against Tandem (mlflow 3.17.2)', () => {
	it('records the project run: entry point, parameters, the script’s param and metric, source and git commit', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-mlproject-'));
		try {
			await cp(FIXTURE, dir, { recursive: true });
			const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Tandem Test', '-c', 'user.email=test@tandem.local', ...args], { cwd: dir, encoding: 'utf8' }).trim();
			git('init', '-q');
			git('add', '.');
			git('commit', '-q', '-m', 'fixture');
			const commit = git('rev-parse', 'HEAD');
			const run = spawnMlflow(['run', dir, '--env-manager', 'local', '--experiment-name', 'projects', '-P', 'alpha=0.25', '-P', 'label=blue'], dir);
			const code = await Promise.race([run.exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 300_000).unref())]);
			if (code === 'timeout') await killGroup(run.proc, run.exited);
			expect(code, run.output()).toBe(0);

			const exp = await callJson(server.url, 'GET', `${R}/experiments/get-by-name?experiment_name=projects`);
			expect(exp.status).toBe(200);
			const found = await callJson(server.url, 'POST', `${R}/runs/search`, { body: { experiment_ids: [exp.body.experiment.experiment_id] } });
			expect(found.body.runs).toHaveLength(1);
			const [r] = found.body.runs;
			const kv = (list: { key: string; value: string }[]) => Object.fromEntries(list.map((x) => [x.key, x.value]));
			expect(r.info.status).toBe('FINISHED');
			expect(run.output()).toContain(`Run (ID '${r.info.run_id}') succeeded`);
			expect(kv(r.data.params)).toEqual({ alpha: '0.25', label: 'blue', label_upper: 'BLUE' });
			expect(r.data.metrics.map((m: { key: string; value: number; step: number }) => [m.key, m.value, m.step])).toEqual([['score', 0.5, 1]]);
			expect(kv(r.data.tags)).toMatchObject({
				'mlflow.project.entryPoint': 'main',
				'mlflow.project.backend': 'local',
				'mlflow.source.type': 'PROJECT',
				'mlflow.source.name': `file://${dir}`,
				'mlflow.source.git.commit': commit
			});
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}, 420_000);
});
