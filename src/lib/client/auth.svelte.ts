// Who this browser is signed in as: read from `GET /api/auth/me` when the page starts, set by signing in (`POST
// /api/auth/session` sets an HttpOnly cookie that every request and relay socket then carries), cleared by signing
// out, and dropped whenever the server says the sign-in no longer holds (a 401, a socket closed with 4401).
import { subscribeAccessEvents, readErrorMessage } from './auth-events';
import { SIGN_IN_PATH } from './auth-links';
import { readDocumentStore } from './documents';

/**
 * unknown: not heard from the server yet (or offline); open: the server has no users, nobody signs in;
 * signed-in: see `identity`; signed-out: the server wants a sign-in.
 */
export type SessionState = 'unknown' | 'open' | 'signed-in' | 'signed-out';

export interface Identity {
	user: string;
	/** The token's scope: read, write or admin. */
	scope: string;
	admin: boolean;
}

/** `GET /api/auth/me` (sync-server/auth/auth-api.ts). */
interface AuthMeAnswer {
	auth_required: boolean;
	signed_in: boolean;
	user: string;
	scope: string;
	admin: boolean;
}

export type SignInResult = { ok: true } | { ok: false; error: string };

/** sessionStorage flag: the sign-in page clears this browser's copies of the data after an explicit sign-out. */
const CLEAR_AFTER_SIGN_OUT = 'tandem:clear-after-sign-out';
/** localStorage entries that are this browser's preferences, not copies of data: kept on sign-out. */
const KEPT_ON_SIGN_OUT = new Set(['tandem:theme', 'tandem:display-name']);

class Session {
	state = $state<SessionState>('unknown');
	identity = $state.raw<Identity | null>(null);
	/** Why the server ended this page's sign-in (a revoked token, say); null unless it did. */
	reason = $state<string | null>(null);

	constructor() {
		subscribeAccessEvents((e) => {
			if (e.type !== 'unauthenticated') return;
			this.state = 'signed-out';
			this.identity = null;
			this.reason = e.reason;
		});
		void this.refresh();
	}

	/** Asks the server who this browser is; offline, the state stays as it was. */
	async refresh(): Promise<void> {
		let me: Partial<AuthMeAnswer>;
		try {
			const res = await fetch('/api/auth/me', { cache: 'no-store' });
			if (!res.ok) return;
			me = (await res.json()) as Partial<AuthMeAnswer>;
		} catch {
			return;
		}
		if (me.auth_required !== true) this.state = 'open';
		else if (me.signed_in === true && typeof me.user === 'string') {
			this.state = 'signed-in';
			this.identity = { user: me.user, scope: String(me.scope ?? ''), admin: me.admin === true };
		} else this.state = 'signed-out';
	}
}

let session: Session | null = null;
const SERVER_SIDE = { state: 'unknown', identity: null, reason: null } as const;

/** The page's session, created on first use (it lives as long as the page). */
export function readSession(): { readonly state: SessionState; readonly identity: Identity | null; readonly reason: string | null } {
	if (typeof window === 'undefined') return SERVER_SIDE; // rendering on the server
	session ??= new Session();
	return session;
}

/** Hands `token` to the server, which sets the sign-in cookie; the server's message when it refuses it. */
export async function signIn(token: string): Promise<SignInResult> {
	try {
		const res = await fetch('/api/auth/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token.trim() }) });
		return res.ok ? { ok: true } : { ok: false, error: await readErrorMessage(res) };
	} catch {
		return { ok: false, error: 'The server could not be reached.' };
	}
}

/**
 * Clears the sign-in cookie, then loads the sign-in page afresh (no socket, document or cache of this identity
 * survives it), which also deletes this browser's copies of the data; false when the server could not be reached.
 */
export async function signOut(): Promise<boolean> {
	try {
		const res = await fetch('/api/auth/session', { method: 'DELETE' });
		if (!res.ok) return false;
	} catch {
		return false;
	}
	readDocumentStore().closeAll();
	try {
		sessionStorage.setItem(CLEAR_AFTER_SIGN_OUT, '1');
	} catch {
		// storage blocked: the copies stay
	}
	location.assign(SIGN_IN_PATH);
	return true;
}

/** After a sign-out: deletes this browser's IndexedDB documents and cached figures (the sign-in page calls it). */
export async function clearCopiesAfterSignOut(): Promise<void> {
	try {
		if (sessionStorage.getItem(CLEAR_AFTER_SIGN_OUT) === null) return;
		sessionStorage.removeItem(CLEAR_AFTER_SIGN_OUT);
		for (const key of Object.keys(localStorage)) if (key.startsWith('tandem:') && !KEPT_ON_SIGN_OUT.has(key)) localStorage.removeItem(key);
		const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
		await Promise.all(
			databases
				.filter((d) => d.name?.startsWith('tandem:'))
				.map((d) => new Promise<void>((resolve) => {
					const req = indexedDB.deleteDatabase(d.name!);
					req.onsuccess = req.onerror = req.onblocked = () => resolve();
				}))
		);
	} catch {
		// storage blocked or gone: nothing to clear
	}
}
