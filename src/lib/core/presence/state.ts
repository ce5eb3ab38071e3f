// What one person's presence says (their y-protocols awareness state), and the one parser every receiving browser
// and the relay run it through: awareness states are untrusted input, so anything malformed is dropped, names are
// cut, colours must be #rrggbb, lists and URLs are bounded.

/** A review session this person is in: presenting (the latest `since` presents) or following. */
export interface PresenceSession {
	id: string;
	presenting: boolean;
	/** When this person started presenting (ms since the epoch, bumped past the previous presenter's); 0 following. */
	since: number;
}

/** Where the pointer is on a chart: `chart` names the metric, `axis` the x-axis kind (or x metric), `x` in its units. */
export interface PresenceHover {
	chart: string;
	axis: string;
	x: number;
}

export interface PresenceState {
	user: { name: string; color: string };
	/** The page: path and query (`/experiments/1?tab=charts`), without the review parameter. */
	page: string;
	/** The page's title, for "who is where". */
	title: string;
	/** Runs this person has selected in the runs table of `page`. */
	selected: string[];
	hover: PresenceHover | null;
	/** The chart zoom in x-axis units, published as it is made (the URL's `zoom` follows a little later). */
	zoom: [number, number] | null;
	session: PresenceSession | null;
}

/** ms between two hover updates a tab sends: people move the pointer constantly, others need a few a second. */
export const HOVER_SEND_MS = 250;

export const MAX_NAME_LENGTH = 64;
export const MAX_PAGE_LENGTH = 4000;
export const MAX_TITLE_LENGTH = 200;
export const MAX_SELECTED = 100;
export const MAX_SESSION_ID_LENGTH = 32;
const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SESSION_ID = /^[A-Za-z0-9_-]+$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;

/** A neutral colour for a state whose colour is missing or malformed. */
export const FALLBACK_COLOR = '#6b7280';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `#rrggbb` (lower case) or the fallback colour. */
export function readColor(v: unknown): string {
	return typeof v === 'string' && COLOR.test(v) ? v.toLowerCase() : FALLBACK_COLOR;
}

/** A display name: trimmed, control characters removed, cut to MAX_NAME_LENGTH; '' when there is none. */
export function readName(v: unknown): string {
	if (typeof v !== 'string') return '';
	// eslint-disable-next-line no-control-regex
	return [...v.replace(/[\u0000-\u001f\u007f]/g, '').trim()].slice(0, MAX_NAME_LENGTH).join('');
}

function readHover(v: unknown): PresenceHover | null {
	if (!isObject(v) || typeof v.chart !== 'string' || typeof v.axis !== 'string' || !finite(v.x)) return null;
	if (v.chart.length > 500 || v.axis.length > 500) return null;
	return { chart: v.chart, axis: v.axis, x: v.x };
}

/** A zoom range [lo, hi] with lo < hi, both finite; anything else is null. */
export function readZoom(v: unknown): [number, number] | null {
	if (!Array.isArray(v) || v.length !== 2 || !finite(v[0]) || !finite(v[1]) || !(v[0] < v[1])) return null;
	return [v[0], v[1]];
}

/** A session part of a state (or a stored one), or null when malformed. */
export function parsePresenceSession(v: unknown): PresenceSession | null {
	if (!isObject(v) || typeof v.id !== 'string' || !SESSION_ID.test(v.id) || v.id.length > MAX_SESSION_ID_LENGTH) return null;
	if (typeof v.presenting !== 'boolean') return null;
	return { id: v.id, presenting: v.presenting, since: finite(v.since) && v.since > 0 ? v.since : 0 };
}

/** Whether `page` is a path of this app (starts with one '/', no scheme or host), within MAX_PAGE_LENGTH. */
export function isAppPath(page: unknown): page is string {
	return typeof page === 'string' && page.length <= MAX_PAGE_LENGTH && page.startsWith('/') && !page.startsWith('//') && !page.includes('\\');
}

/** The state, or null when it is not a presence state at all (no name, no page): ignore it. */
export function parsePresenceState(raw: unknown): PresenceState | null {
	if (!isObject(raw) || !isObject(raw.user)) return null;
	const name = readName(raw.user.name);
	if (name === '' || !isAppPath(raw.page)) return null;
	const selected = Array.isArray(raw.selected) ? raw.selected.filter((id): id is string => typeof id === 'string' && RUN_ID.test(id)).slice(0, MAX_SELECTED) : [];
	return {
		user: { name, color: readColor(raw.user.color) },
		page: raw.page,
		title: typeof raw.title === 'string' ? [...raw.title].slice(0, MAX_TITLE_LENGTH).join('') : '',
		selected,
		hover: readHover(raw.hover),
		zoom: readZoom(raw.zoom),
		session: parsePresenceSession(raw.session)
	};
}

/** The initials an avatar shows: the first letters of the first two words, upper case. */
export function readInitials(name: string): string {
	const words = name.split(/\s+/).filter((w) => w !== '');
	return words
		.slice(0, 2)
		.map((w) => [...w][0] ?? '')
		.join('')
		.toUpperCase();
}

/** A colour for a name that has none picked: one of a fixed palette, the same for the same name everywhere. */
export function defaultPresenceColor(name: string): string {
	const palette = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2', '#ca8a04', '#dc2626'];
	let h = 0;
	for (const ch of name) h = (Math.imul(h, 31) + ch.codePointAt(0)!) >>> 0;
	return palette[h % palette.length];
}

/** The same state with its user's name replaced (the relay writes the signed-in user's name over a client's). */
export function withUserName(raw: unknown, name: string): unknown {
	if (!isObject(raw)) return raw;
	const user = isObject(raw.user) ? raw.user : {};
	return { ...raw, user: { color: readColor(user.color), name } };
}
