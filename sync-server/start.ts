// `npm start`: builds the web app when build/ is missing or older than its sources, then runs the CLI.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest mtime (ms) of any file under `dir`, 0 if it does not exist. */
function newestMtime(dir: string): number {
	let newest = 0;
	let entries;
	try {
		entries = readdirSync(dir, { withFileTypes: true });
	} catch {
		return 0;
	}
	for (const e of entries) {
		const p = path.join(dir, e.name);
		newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
	}
	return newest;
}

function builtAt(): number {
	try {
		return statSync(path.join(root, 'build', 'index.html')).mtimeMs;
	} catch {
		return 0;
	}
}

const sources = Math.max(newestMtime(path.join(root, 'src')), newestMtime(path.join(root, 'static')), statSync(path.join(root, 'svelte.config.js')).mtimeMs);
if (builtAt() < sources) {
	console.error('[tandem] building the web app…');
	const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
		cwd: root,
		env: { ...process.env, NODE_ENV: 'production' },
		stdio: 'inherit'
	});
	if (r.status !== 0) {
		console.error('[tandem] web app build failed');
		process.exit(r.status ?? 1);
	}
}
await import('./cli');
