// Serves the built SvelteKit SPA from a directory: real files by path (never escaping the root), hashed assets
// as immutable, and index.html for every other GET so client-side routes work on reload.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { withScriptNonce } from './csp';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.webmanifest': 'application/manifest+json',
	'.woff2': 'font/woff2',
	'.txt': 'text/plain; charset=utf-8'
};

async function isFile(p: string): Promise<number | null> {
	try {
		const s = await stat(p);
		return s.isFile() ? s.size : null;
	} catch {
		return null;
	}
}

/** Returns a handler, or null when `root` has no index.html (the app has not been built). */
export async function createStaticHandler(root: string) {
	const index = path.join(root, 'index.html');
	if ((await isFile(index)) === null) return null;
	const absRoot = path.resolve(root);
	const pages = new Map<string, Promise<string>>();
	const readHtml = (file: string) => {
		let html = pages.get(file);
		if (!html) pages.set(file, (html = readFile(file, 'utf8')));
		return html;
	};

	return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		if (req.method !== 'GET' && req.method !== 'HEAD') return false;
		let pathname: string;
		try {
			pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		} catch {
			return false;
		}
		if (pathname.includes('\0')) return false;
		const candidate = path.resolve(absRoot, '.' + path.posix.normalize(pathname));
		const inside = candidate === absRoot || candidate.startsWith(absRoot + path.sep);
		let file = inside ? candidate : index;
		let size = inside ? await isFile(file) : null;
		if (size === null) {
			file = index;
			size = (await isFile(index))!;
		}
		const immutable = file.includes(`${path.sep}_app${path.sep}immutable${path.sep}`);
		if (file.endsWith('.html')) {
			// Pages get a nonce per response for their inline scripts, and the policy that admits exactly those.
			const page = withScriptNonce(await readHtml(file));
			const body = Buffer.from(page.html);
			res.writeHead(200, { 'content-type': TYPES['.html'], 'content-length': body.byteLength, 'cache-control': 'no-cache', 'content-security-policy': page.policy });
			res.end(req.method === 'HEAD' ? undefined : body);
			return true;
		}
		res.writeHead(200, {
			'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
			'content-length': size,
			'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
			'x-content-type-options': 'nosniff'
		});
		if (req.method === 'HEAD') res.end();
		else createReadStream(file).pipe(res);
		return true;
	};
}
