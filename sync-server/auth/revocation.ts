// Revoked, expired and deleted tokens lose their open relay sockets at once: after a revocation through the API,
// when another process (the CLI) changes auth.db, and on a one-second sweep that also catches expiry.
import type { AuthStore, TokenRecord } from './auth-store';
import { RELAY_UNAUTHENTICATED } from './relay-auth';

interface TaggedRelay {
	closeTagged(tag: string, code: number, reason: string): number;
}

export function watchRevocations(opts: { store: AuthStore; relay: TaggedRelay; sweepMs?: number; now?: () => number }) {
	const { store, relay } = opts;
	const now = opts.now ?? Date.now;
	let known = new Set(store.tokens().map((t) => t.id));

	const close = (t: TokenRecord, why: string) => relay.closeTagged(t.id, RELAY_UNAUTHENTICATED, `Token '${t.label}' ${why}`);
	function sweep(): void {
		const tokens = store.tokens();
		const present = new Set<string>();
		for (const t of tokens) {
			present.add(t.id);
			if (t.revokedAt !== null) close(t, 'was revoked');
			else if (t.expiresAt !== null && t.expiresAt <= now()) close(t, 'expired');
			else if (!store.getUser(t.user)) close(t, 'lost its user');
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
		revoked: (t: TokenRecord) => void close(t, 'was revoked'),
		stop() {
			clearInterval(timer);
			off();
		}
	};
}
