// Vitest globalSetup for the e2e tests: builds the SPA into build/ with `vite build` when build/index.html is
// missing or older than any app source (src/ except specs, static/, the Svelte and Vite configs).
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP_INPUTS = ['src', 'static', 'svelte.config.js', 'vite.config.ts'];

async function readNewestMtime(p: string): Promise<number> {
	let s;
	try {
		s = await stat(p);
	} catch {
		return 0;
	}
	if (!s.isDirectory()) return /\.(spec|test)\.ts$/.test(p) ? 0 : s.mtimeMs;
	let newest = 0;
	for (const entry of await readdir(p)) newest = Math.max(newest, await readNewestMtime(path.join(p, entry)));
	return newest;
}

/** True when build/index.html is missing or older than an app source file. */
export async function isBuildStale(): Promise<boolean> {
	const built = await readNewestMtime(path.join(root, 'build', 'index.html'));
	if (built === 0) return true;
	const sources = await Promise.all(APP_INPUTS.map((p) => readNewestMtime(path.join(root, p))));
	return Math.max(...sources) > built;
}

function runViteBuild(): Promise<void> {
	return new Promise((resolve, reject) => {
		const proc = spawn(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
		proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
		proc.once('error', reject);
		proc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${out}`))));
	});
}

/** Builds the app if needed; cheap (a directory walk) when build/ is fresh. */
export async function ensureAppBuilt(): Promise<void> {
	if (await isBuildStale()) await runViteBuild();
}

export default async function setup(): Promise<void> {
	await ensureAppBuilt();
}
