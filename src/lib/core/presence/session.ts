// Review sessions over presence states: who presents (the latest to start or take over), what a follower must apply
// to look where the presenter looks (page, query, zoom), and whether a change of the follower's own view was theirs.
import type { PresenceSession, PresenceState } from './state';

export interface Person {
	clientId: number;
	state: PresenceState;
}

/** The query parameter a session link carries (never part of a view). */
export const REVIEW_PARAM = 'review';

/** The presenter of session `id` among `people`: the latest `since` presents; equal ones, the higher client id. */
export function readPresenter(people: readonly Person[], id: string): Person | null {
	let best: Person | null = null;
	for (const p of people) {
		const s = p.state.session;
		if (!s || s.id !== id || !s.presenting) continue;
		const b = best?.state.session;
		if (!best || !b || s.since > b.since || (s.since === b.since && p.clientId > best.clientId)) best = p;
	}
	return best;
}

/** Everyone in session `id` but the presenter. */
export function readFollowers(people: readonly Person[], id: string, presenter: Person | null): Person[] {
	return people.filter((p) => p.state.session?.id === id && p.clientId !== presenter?.clientId);
}

/** A session state that takes over from `current` (the presenter's, or null): `now`, or later than theirs. */
export function takeOver(id: string, current: PresenceSession | null, now: number): PresenceSession {
	return { id, presenting: true, since: Math.max(now, (current?.since ?? 0) + 1) };
}

/** A zoom as the URL writes it (chart-url.ts): fifteen significant digits. */
export function formatZoomParam(zoom: [number, number]): string {
	return zoom.map((v) => String(Number(v.toPrecision(15)))).join(',');
}

/** The page (path and query) a follower must show: the presenter's, with the zoom they made (ahead of their URL). */
export function readFollowTarget(presenter: Pick<PresenceState, 'page' | 'zoom'>): string {
	const url = new URL(presenter.page, 'http://x');
	if (presenter.zoom) url.searchParams.set('zoom', formatZoomParam(presenter.zoom));
	else url.searchParams.delete('zoom');
	url.searchParams.delete(REVIEW_PARAM);
	return `${url.pathname}${formatSearch(url.searchParams)}`;
}

/** A query with its commas kept readable, '' when empty. */
function formatSearch(params: URLSearchParams): string {
	const q = params.toString().replaceAll('%2C', ',');
	return q ? `?${q}` : '';
}

/** A page in a form two equal views share whatever the order of their parameters (the review link left out). */
export function readViewKey(page: string): string {
	const url = new URL(page, 'http://x');
	const entries = [...url.searchParams].filter(([k]) => k !== REVIEW_PARAM).sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
	return `${url.pathname}?${new URLSearchParams(entries).toString()}`;
}

/** The page without the review parameter, as a person's presence publishes it. */
export function stripReviewParam(page: string): string {
	const url = new URL(page, 'http://x');
	url.searchParams.delete(REVIEW_PARAM);
	return `${url.pathname}${formatSearch(url.searchParams)}`;
}

/**
 * Whether the follower's view `current` is one the session put there: one of the targets it applied lately
 * (a navigation may still be landing on an earlier one). Anything else the follower did on their own.
 */
export function isAppliedView(current: string, applied: readonly string[]): boolean {
	const key = readViewKey(current);
	return applied.some((a) => readViewKey(a) === key);
}

/** A link that opens the presenter's page and joins session `id`. */
export function formatSessionLink(origin: string, page: string, id: string): string {
	const url = new URL(page, origin);
	url.searchParams.set(REVIEW_PARAM, id);
	return `${url.origin}${url.pathname}${formatSearch(url.searchParams)}`;
}

const safeDecode = (s: string) => {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
};

/** A short label for where a page is, when its title is not known: "experiment 3", "run 1a2b3c4d", "model m v2". */
export function describePage(page: string): string {
	const path = new URL(page, 'http://x').pathname.split('/').filter(Boolean).map(safeDecode);
	if (path.length === 0) return 'experiments';
	if (path[0] === 'experiments' && path[1]) return `experiment ${path[1]}`;
	if (path[0] === 'runs' && path[1]) return `run ${path[1].slice(0, 8)}`;
	if (path[0] === 'compare') return 'compare';
	if (path[0] === 'models' && path[1] && path[2]) return `model ${path[1]} v${path[2]}`;
	if (path[0] === 'models' && path[1]) return `model ${path[1]}`;
	return path[0];
}
