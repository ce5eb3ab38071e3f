// Where sign-in sends the browser: the sign-in page's link for the page the user wanted, and back again. Pure.

export const SIGN_IN_PATH = '/signin';

/** The sign-in page's link that returns to `url` (path, query and hash) once signed in. */
export function formatSignInHref(url: Pick<URL, 'pathname' | 'search' | 'hash'>): string {
	const wanted = url.pathname + url.search + url.hash;
	return wanted === '/' || url.pathname === SIGN_IN_PATH ? SIGN_IN_PATH : `${SIGN_IN_PATH}?next=${encodeURIComponent(wanted)}`;
}

/**
 * The page to open after signing in, from the sign-in page's `next`: a path on this origin only (never `//host`
 * or `/\host`, which browsers read as another site, nor the sign-in page itself); '/' otherwise.
 */
export function readNextPath(params: URLSearchParams): string {
	const next = params.get('next');
	if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
	if (next === SIGN_IN_PATH || next.startsWith(`${SIGN_IN_PATH}?`) || next.startsWith(`${SIGN_IN_PATH}/`)) return '/';
	return next;
}
