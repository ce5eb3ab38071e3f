// Revoked, expired and deleted tokens lose their open relay sockets at once: after a revocation through the API,
// when another process (the CLI) changes auth.db, and on a one-second sweep that also catches expiry.
import type { AuthStore, TokenRecord } from './auth-store';
import { RELAY_UNAUTHENTICATED } from './relay-auth';
import { readTokenProblem } from './access-control';

interface TaggedRelay {
	closeTagged(tag: string, code: number, reason: string): number;
}

export function watchRevocations(opts: { store: AuthStore; relay: TaggedRelay; sweepMs?: number; now?: () => number }) {
	const { store, relay } = opts;
	const now = opts.now ?? Date.now;
	let known = new Set(store.tokens().map((t) => t.id));

	function sweep(): void {
		const present = new Set<string>();
		for (const t of store.tokens()) {
			present.add(t.id);
			const problem = readTokenProblem(store, t, now());
			if (problem) relay.closeTagged(t.id, RELAY_UNAUTHENTICATED, problem);
		}
		for (const id of known) if (!present.has(id)) relay.closeTagged(id, RELAY_UNAUTHENTICATED, 'Token was deleted');
		known = present;
	}
	const off = store.onChange(sweep);
	const timer = setInterval(() => {
		store.poll(); // notices the CLI's commits, which run `sweep` through onChange
		sweep();
	}, opts.sweepMs ?? 1000);
	timer.unref();
	return {
		revoked: (t: TokenRecord) => void relay.closeTagged(t.id, RELAY_UNAUTHENTICATED, readTokenProblem(store, t, now()) ?? `Token '${t.label}' was revoked`),
		stop() {
			clearInterval(timer);
			off();
		}
	};
}
