// Vitest globalSetup for the e2e tests: builds the SPA into build/ with `vite build` when build/index.html is
// missing or older than any app source (src/ except specs, static/, the Svelte and Vite configs).
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
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
		// Vitest sets NODE_ENV=test, and Vite builds Svelte and Kit in development mode for anything but
		// 'production' (dev-only checks, slower): tests and benches must run the app users get.
		const proc = spawn(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
			cwd: root,
			env: { ...process.env, NODE_ENV: 'production' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
		proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
		proc.once('error', reject);
		proc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${out}`))));
	});
}

/** A build older than this holding the lock is taken to have died with its process. */
const STALE_LOCK_MS = 5 * 60_000;
const LOCK_POLL_MS = 250;

/**
 * Runs `fn` while holding the build lock (a directory: mkdir is atomic), so test files, benches and other
 * checkouts' processes sharing this tree never run two `vite build`s over the same output at once.
 */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
	const lock = path.join(root, '.build.lock');
	for (;;) {
		try {
			await mkdir(lock);
			break;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			const held = await stat(lock).catch(() => null);
			if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
			else await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
		}
	}
	try {
		return await fn();
	} finally {
		await rm(lock, { recursive: true, force: true });
	}
}

/** Builds the app if needed; cheap (a directory walk) when build/ is fresh. */
export async function ensureAppBuilt(): Promise<void> {
	if (!(await isBuildStale())) return;
	// Another process may have built while this one waited for the lock.
	await withBuildLock(async () => {
		if (await isBuildStale()) await runViteBuild();
	});
}

export default async function setup(): Promise<void> {
	await ensureAppBuilt();
}
