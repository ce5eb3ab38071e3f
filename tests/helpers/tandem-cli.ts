// Runs the administration CLI as a user does (`npm run tandem -- …`) and collects its exit code and output.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** `npm run tandem -- <args>` in the checkout, with `env` added to this process's environment. */
export function runTandemCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const proc = spawn('npm', ['run', '--silent', 'tandem', '--', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		proc.once('error', reject);
		proc.once('exit', (code) => resolve({ code, stdout, stderr }));
	});
}
