// Coalesces a room's awareness changes into at most one broadcast per window. With N people moving their pointers
// every person's change went to the N-1 others as its own message (N² sends a second); batched, the room sends each
// socket one message per window holding every state that changed in it. A change after a quiet window goes out at
// once (a presenter's zoom is not delayed); only changes that follow within the window wait, and for at most it.
import { encodeAwarenessUpdate, type Awareness } from 'y-protocols/awareness';
import { encodeAwarenessMessage, MAX_AWARENESS_ENTRIES } from './protocol';

/** Default window: presence updates are sent at most every 250 ms per person, follow mode wants ≤ 100 ms. */
export const AWARENESS_BATCH_MS = 50;

export interface AwarenessBatchOptions<C> {
	awareness: Awareness;
	windowMs?: number;
	/** Sends one encoded awareness message to every socket of the room but `except` (null: to all). */
	send: (message: Uint8Array, except: C | null) => void;
	now?: () => number;
}

export interface AwarenessBatch<C> {
	/** Notes clients whose state changed, made by `origin` (a socket of the room, or null for the server/remote). */
	note(clients: readonly number[], origin: C | null): void;
	/** Sends what is pending now (tests; the room before it is destroyed). */
	flush(): void;
	destroy(): void;
}

export function createAwarenessBatch<C>(opts: AwarenessBatchOptions<C>): AwarenessBatch<C> {
	const windowMs = opts.windowMs ?? AWARENESS_BATCH_MS;
	const now = opts.now ?? Date.now;
	const pending = new Set<number>();
	/** The one socket every pending change came from (it needs none of them back), or null once there are several. */
	let soleOrigin: C | null | undefined;
	let lastSent = -Infinity;
	let timer: ReturnType<typeof setTimeout> | null = null;

	function flush(): void {
		if (timer) clearTimeout(timer);
		timer = null;
		if (pending.size === 0) return;
		const clients = [...pending];
		const except = soleOrigin ?? null;
		pending.clear();
		soleOrigin = undefined;
		lastSent = now();
		// In messages of at most MAX_AWARENESS_ENTRIES, the most the relay accepts back from a client (room.ts).
		for (let i = 0; i < clients.length; i += MAX_AWARENESS_ENTRIES) {
			opts.send(encodeAwarenessMessage(encodeAwarenessUpdate(opts.awareness, clients.slice(i, i + MAX_AWARENESS_ENTRIES))), except);
		}
	}

	return {
		note(clients, origin) {
			if (clients.length === 0) return;
			for (const c of clients) pending.add(c);
			soleOrigin = soleOrigin === undefined || soleOrigin === origin ? origin : null;
			if (timer) return;
			const wait = lastSent + windowMs - now();
			if (wait <= 0) flush();
			else {
				timer = setTimeout(flush, wait);
				timer.unref?.();
			}
		},
		flush,
		destroy() {
			if (timer) clearTimeout(timer);
			timer = null;
			pending.clear();
		}
	};
}
