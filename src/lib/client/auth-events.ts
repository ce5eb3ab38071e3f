// What the server says about this page's access, from wherever it says it: a 401 answer to a fetch, a relay socket
// closed with 4401 (signed out, token revoked or expired) or 4403 (no READ on that document), a write refused with
// y-protocols' "permission denied". One hub, so documents.ts and the fetches report and auth*.svelte.ts listen.

/** The relay's close codes in y-websocket's permanent range (the provider stops reconnecting on them). */
export const RELAY_CLOSE = { unauthenticated: 4401, forbidden: 4403 } as const;

export type AccessEvent =
	/** The server wants a (new) sign-in; `reason` is its message. */
	| { type: 'unauthenticated'; reason: string }
	/** The relay refused document `doc` (4403): this identity may not read it. */
	| { type: 'refused'; doc: string; reason: string }
	/** The relay dropped a change to `doc`: this identity may read it but not write it. */
	| { type: 'write-denied'; doc: string; reason: string };

const listeners = new Set<(e: AccessEvent) => void>();

export function emitAccessEvent(e: AccessEvent): void {
	for (const fn of listeners) fn(e);
}

/** Calls `fn` on every access event from now on; returns the unsubscribe function. */
export function subscribeAccessEvents(fn: (e: AccessEvent) => void): () => void {
	listeners.add(fn);
	return () => void listeners.delete(fn);
}

/** The `message` of an API error answer, or a fallback naming the status. */
export async function readErrorMessage(res: Response): Promise<string> {
	try {
		const body: unknown = await res.clone().json();
		const message = body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
		if (typeof message === 'string' && message) return message;
	} catch {
		// not JSON: the status says it
	}
	return `The server answered ${res.status}`;
}

/** `fetch` for the app's API calls: a 401 answer also reports that the server wants a sign-in. */
export async function fetchApi(input: string, init?: RequestInit): Promise<Response> {
	const res = await fetch(input, init);
	if (res.status === 401) emitAccessEvent({ type: 'unauthenticated', reason: await readErrorMessage(res) });
	return res;
}
