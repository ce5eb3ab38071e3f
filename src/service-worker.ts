// The offline app shell: caches the built app at install so Tandem opens with the server stopped. Navigations go
// to the network first and fall back to the cached index.html; the API and the relay are never cached.
/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `tandem-shell-${version}`;
/** The SPA fallback page: the static server answers every unknown path with index.html. */
const SHELL = '/';
const ASSETS = new Set([...build, ...files]);

/** Requests that must always reach the server: live data and the relay. */
function isUncached(url: URL): boolean {
	return /^\/(api|ajax-api|sync)(\/|$)/.test(url.pathname);
}

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			await cache.addAll([SHELL, ...ASSETS]);
			await sw.skipWaiting();
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

async function fromNetworkOrShell(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	try {
		const response = await fetch(request);
		// The SPA shell only: a page the server rendered for its URL (the runs table's first screen) is no shell.
		const isShell = (response.headers.get('content-type')?.startsWith('text/html') ?? false) && !response.headers.has('x-tandem-rendered');
		if (response.ok && isShell) void cache.put(SHELL, response.clone());
		return response;
	} catch {
		return (await cache.match(SHELL)) ?? Response.error();
	}
}

async function fromCacheOrNetwork(request: Request): Promise<Response> {
	const cached = await caches.match(request);
	return cached ?? fetch(request);
}

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || isUncached(url)) return;
	if (request.mode === 'navigate') event.respondWith(fromNetworkOrShell(request));
	else if (ASSETS.has(url.pathname)) event.respondWith(fromCacheOrNetwork(request));
});
