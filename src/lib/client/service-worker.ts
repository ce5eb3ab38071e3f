// Registers the offline app shell's service worker once the first page has settled. Its install downloads every
// file of the build, which on a first visit would compete with the page's own code, documents and data for the
// network, the server and the CPU (SvelteKit's own registration runs at the load event).

/** ms after the load event before waiting for an idle moment to register. */
const SETTLE_MS = 2_000;

/** Call once, from the root layout. `type` is 'module' in development (Vite serves the worker as a module). */
export function registerServiceWorkerLater(type: WorkerType): void {
	if (!('serviceWorker' in navigator)) return;
	const register = () => {
		navigator.serviceWorker.register('/service-worker.js', { type }).catch((e: unknown) => console.warn('service worker not registered:', e));
	};
	const whenIdle = () => {
		if (typeof requestIdleCallback === 'function') requestIdleCallback(register, { timeout: 5_000 });
		else register();
	};
	const settle = () => setTimeout(whenIdle, SETTLE_MS);
	if (document.readyState === 'complete') settle();
	else addEventListener('load', settle, { once: true });
}
