// Runs a Python script from tests/python/ with a pinned MLflow client (.venv-test: 3.x, .venv-test2: 2.15.0; both
// made by tests/python/setup.sh) against a Tandem server, and returns what it printed last as JSON.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The bin/ of the MLflow 3.x venv (python, and the `mlflow` and `uvicorn` commands). */
export const VENV_BIN = path.join(root, '.venv-test', 'bin');
export const PYTHON = path.join(VENV_BIN, 'python');
/** The MLflow 2.15.0 client (the venv MLflow's own suite also runs in). */
export const PYTHON_2X = path.join(root, '.venv-test2', 'bin', 'python');

export interface PythonResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** The last stdout line parsed as JSON (scripts print their readings there), or null. */
	json: unknown;
}

/**
 * Runs `tests/python/<script>` (or `script` itself when absolute) with MLFLOW_TRACKING_URI=`trackingUri`, using
 * `.venv-test`'s python unless `python` is given; rejects after `timeoutMs`.
 */
export function runPython(
	script: string,
	trackingUri: string,
	opts: { args?: string[]; env?: Record<string, string>; timeoutMs?: number; python?: string } = {}
): Promise<PythonResult> {
	const file = path.isAbsolute(script) ? script : path.join(root, 'tests', 'python', script);
	const proc = spawn(opts.python ?? PYTHON, [file, ...(opts.args ?? [])], {
		cwd: root,
		env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', PYTHONUNBUFFERED: '1', ...opts.env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
	proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			proc.kill('SIGKILL');
			reject(new Error(`${script} timed out after ${opts.timeoutMs ?? 120_000} ms\n${stdout}\n${stderr}`));
		}, opts.timeoutMs ?? 120_000);
		proc.once('exit', (code) => {
			clearTimeout(timer);
			const last = stdout.trim().split('\n').pop() ?? '';
			let json: unknown = null;
			try {
				json = JSON.parse(last);
			} catch {
				json = null;
			}
			resolve({ code, stdout, stderr, json });
		});
	});
}
