// This tab's presence: its awareness state on the workspace document's socket (a document every identity that may
// see the list shares, so no socket is opened for presence alone), and everyone else's, parsed and validated. The
// state is removed explicitly when the tab is hidden for good (pagehide), so others see it leave at once rather than
// after y-protocols' 30 s timeout; the relay also removes a closed socket's states.
import { untrack } from 'svelte';
import type { Awareness } from 'y-protocols/awareness';
import { docNames } from '$lib/core/schema';
import { HOVER_SEND_MS, parsePresenceSession, parsePresenceState, type PresenceHover, type PresenceSession, type PresenceState } from '$lib/core/presence/state';
import type { Person } from '$lib/core/presence/session';
import { openDocument, type DocumentHandle } from './documents';

/** sessionStorage key of this tab's review session, so a reload stays in it. */
const SESSION_KEY = 'tandem:review-session';

function readStoredSession(): PresenceSession | null {
	try {
		return parsePresenceSession(JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null'));
	} catch {
		return null;
	}
}


type Listener = () => void;

export class Presence {
	/** Everyone else on the workspace document with a valid state, in client id order. */
	people = $state.raw<Person[]>([]);
	/** This tab's state as sent. */
	local = $state.raw<PresenceState>({ user: { name: 'web', color: '#6b7280' }, page: '/', title: '', selected: [], hover: null, zoom: null, session: null });
	/** This tab's awareness client id (-1 until started). */
	clientId = $state(-1);
	#handle: DocumentHandle | null = null;
	#awareness: Awareness | null = null;
	#listeners = new Set<Listener>();
	#hoverTimer: ReturnType<typeof setTimeout> | null = null;
	#pendingHover: PresenceHover | null | undefined = undefined;
	#hidden = false;

	/** Opens the workspace document for this tab's lifetime and starts publishing. Browser only; call once. */
	start(): void {
		if (this.#handle) return;
		this.#handle = openDocument(docNames.workspace);
		const awareness = this.#handle.awareness;
		this.#awareness = awareness;
		this.clientId = awareness.clientID;
		this.local = { ...this.local, session: readStoredSession() };
		awareness.on('change', () => this.#read());
		awareness.setLocalState(this.local);
		// pagehide: the tab closes, navigates away or goes into the back-forward cache; pageshow brings it back.
		addEventListener('pagehide', () => {
			this.#hidden = true;
			awareness.setLocalState(null);
		});
		addEventListener('pageshow', (e) => {
			if (!e.persisted) return;
			this.#hidden = false;
			awareness.setLocalState(this.local);
		});
		this.#read();
	}

	/** Changes this tab's state (only what differs is sent: y-protocols sends the whole state on a change). */
	update(patch: Partial<PresenceState>): void {
		// Untracked: effects that publish part of the state must not re-run on every other change of it.
		const current = untrack(() => this.local);
		const next = { ...current, ...patch };
		if (JSON.stringify(next) === JSON.stringify(current)) return;
		this.local = next;
		if (!this.#hidden) this.#awareness?.setLocalState(next);
		this.#emit();
	}

	setSession(session: PresenceSession | null): void {
		this.update({ session });
		try {
			if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
			else sessionStorage.removeItem(SESSION_KEY);
		} catch {
			// storage blocked: the session lasts as long as the page
		}
	}

	/** The pointer over a chart (null: off it), sent at most every HOVER_SEND_MS, the last position always. */
	setHover(hover: PresenceHover | null): void {
		this.#pendingHover = hover;
		if (this.#hoverTimer !== null) return;
		const flush = () => {
			this.#hoverTimer = null;
			if (this.#pendingHover === undefined) return;
			const h = this.#pendingHover;
			this.#pendingHover = undefined;
			this.update({ hover: h });
			this.#hoverTimer = setTimeout(flush, HOVER_SEND_MS);
		};
		flush();
	}

	/** Calls `fn` whenever anyone's state (this tab's too) changes, outside Svelte (chart overlays); returns the unsubscribe. */
	subscribe(fn: Listener): () => void {
		this.#listeners.add(fn);
		return () => void this.#listeners.delete(fn);
	}

	#emit(): void {
		for (const fn of this.#listeners) fn();
	}

	#read(): void {
		const awareness = this.#awareness;
		if (!awareness) return;
		const people: Person[] = [];
		for (const [clientId, raw] of awareness.getStates()) {
			if (clientId === awareness.clientID) continue;
			const state = parsePresenceState(raw);
			if (state) people.push({ clientId, state });
		}
		people.sort((a, b) => a.clientId - b.clientId);
		this.people = people;
		this.#emit();
	}
}

let presence: Presence | null = null;

/** The page's presence, created on first use (it lives as long as the page); started by the layout. */
export function readPresence(): Presence {
	presence ??= new Presence();
	return presence;
}
