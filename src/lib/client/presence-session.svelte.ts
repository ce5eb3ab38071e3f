// This tab's part in a review session: start one, join (from an avatar or a link), take over, leave; as a follower,
// go where the presenter is (page, query, zoom) and notice when the follower changed the view on their own (scrolled,
// zoomed, or any other change of the URL the session did not make), which ends following with a notice to rejoin.
import { untrack } from 'svelte';
import { goto } from '$app/navigation';
import { isAppliedView, readFollowTarget, readPresenter, readViewKey, takeOver, type Person } from '$lib/core/presence/session';
import { readPresence, type Presence } from './presence.svelte';

/** Targets remembered as applied: a navigation may still be landing on one of the last few. */
const APPLIED_KEPT = 8;

export interface LeftNotice {
	sessionId: string;
	presenter: string;
	reason: string;
}

export class ReviewSession {
	/** Why this tab stopped following, with what it needs to rejoin; null otherwise. */
	left = $state.raw<LeftNotice | null>(null);
	readonly #presence: Presence;
	#applied: string[] = [];
	#lastTarget: string | null = null;
	/** Applies a presenter's zoom on a view that keeps its zoom out of the URL (see shareZoom); null: the URL has it. */
	zoomTarget: ((zoom: [number, number] | null) => void) | null = null;

	constructor(presence: Presence) {
		this.#presence = presence;
	}

	get id(): string | null {
		return this.#presence.local.session?.id ?? null;
	}

	/** Everyone in the session, this tab included. */
	get members(): Person[] {
		const id = this.id;
		if (id === null) return [];
		const self: Person = { clientId: this.#presence.clientId, state: this.#presence.local };
		return [self, ...this.#presence.people].filter((p) => p.state.session?.id === id);
	}

	/** Who presents now (maybe this tab); null while nobody does (before a joined presenter arrives, or after they left). */
	get presenter(): Person | null {
		const id = this.id;
		return id === null ? null : readPresenter(this.members, id);
	}

	get presenting(): boolean {
		return this.presenter?.clientId === this.#presence.clientId;
	}

	get following(): boolean {
		return this.id !== null && !this.presenting;
	}

	/** Starts a session with this tab presenting. */
	start(): void {
		this.left = null;
		this.#presence.setSession(takeOver(createSessionId(), null, Date.now()));
	}

	/** Follows session `id` (the presenter's page is applied as soon as their state is known). */
	join(id: string): void {
		this.left = null;
		this.#applied = [];
		this.#lastTarget = null;
		this.#presence.setSession({ id, presenting: false, since: 0 });
	}

	/** Presents in this session from now on; the previous presenter follows. */
	takeOver(): void {
		const id = this.id;
		if (id !== null) this.#presence.setSession(takeOver(id, this.presenter?.state.session ?? null, Date.now()));
	}

	leave(): void {
		this.left = null;
		this.#presence.setSession(null);
	}

	/** Stops following because the follower did something on their own; they are told and may rejoin. */
	leaveOnOwn(reason: string): void {
		const id = this.id;
		if (id === null || !this.following) return;
		this.left = { sessionId: id, presenter: this.presenter?.state.user.name ?? 'the presenter', reason };
		this.#presence.setSession(null);
	}

	/**
	 * A follower's step, run whenever the presenter's state or this tab's session changes: a presenter outvoted by a
	 * later one steps down to follow, and a follower goes to the presenter's view if it is not there.
	 */
	follow(currentPage: string): void {
		const own = this.#presence.local.session;
		const presenter = this.presenter;
		if (!own || !presenter) return;
		if (own.presenting && presenter.clientId !== this.#presence.clientId) {
			this.#presence.setSession({ id: own.id, presenting: false, since: 0 });
		}
		if (presenter.clientId === this.#presence.clientId) return;
		const zoom = presenter.state.zoom;
		if (this.zoomTarget && JSON.stringify(zoom) !== JSON.stringify(this.#presence.local.zoom)) this.zoomTarget(zoom);
		const target = readFollowTarget(presenter.state);
		if (target === this.#lastTarget && isAppliedView(currentPage, [target])) return;
		this.#lastTarget = target;
		this.#applied = [...this.#applied, target].slice(-APPLIED_KEPT);
		if (readViewKey(target) === readViewKey(currentPage)) return;
		const samePath = new URL(target, location.origin).pathname === location.pathname;
		void goto(target, { replaceState: samePath, noScroll: true, keepFocus: true });
	}

	/** This tab's view changed to `page` (a navigation or a URL write): a follower who made it on their own leaves. */
	noteView(page: string): void {
		if (!this.following || this.#lastTarget === null) return;
		if (!isAppliedView(page, this.#applied)) this.leaveOnOwn('You changed the view on your own');
	}
}

/**
 * For a view whose zoom is component state rather than the URL's `zoom` (the chart workspace): publishes its zoom
 * (a reset too) and applies a presenter's to it while following. Call while the component initialises.
 */
export function shareZoom(read: () => [number, number] | null, apply: (zoom: [number, number] | null) => void): void {
	const presence = readPresence();
	const session = readReviewSession(presence);
	$effect(() => {
		const zoom = read();
		untrack(() => presence.update({ zoom }));
	});
	$effect(() => {
		session.zoomTarget = apply;
		return () => {
			if (session.zoomTarget === apply) session.zoomTarget = null;
		};
	});
}

function createSessionId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(9));
	return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_');
}

let session: ReviewSession | null = null;

/** The page's review session state, created on first use. */
export function readReviewSession(presence: Presence): ReviewSession {
	session ??= new ReviewSession(presence);
	return session;
}
