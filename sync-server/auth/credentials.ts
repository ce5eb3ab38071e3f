// Where a request carries its token: `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN), `Authorization: Basic`
// with the token as the password (MLFLOW_TRACKING_USERNAME / _PASSWORD), the app's sign-in cookie, and for
// WebSocket upgrades the `token` URL parameter (y-websocket's `params`).
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'tandem_token';

export interface Credentials {
	token: string;
	/** The user name a Basic header claimed (it must match the token's user). */
	claimedUser: string | null;
	via: 'bearer' | 'basic' | 'cookie' | 'url';
}

/** Reads one cookie from a Cookie header (RFC 6265 pairs; the value is not decoded beyond trimming quotes). */
export function readCookie(header: string | undefined, name: string): string | null {
	if (!header) return null;
	for (const pair of header.split(';')) {
		const eq = pair.indexOf('=');
		if (eq < 0) continue;
		if (pair.slice(0, eq).trim() !== name) continue;
		const value = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
		return value || null;
	}
	return null;
}

/** The credentials of a request, or null when it carries none; 'malformed' for an Authorization header Tandem cannot read. */
export function readCredentials(req: IncomingMessage, opts: { allowUrlToken: boolean }): Credentials | 'malformed' | null {
	const auth = req.headers.authorization;
	if (auth !== undefined) {
		const bearer = /^Bearer\s+(\S+)\s*$/i.exec(auth);
		if (bearer) return { token: bearer[1], claimedUser: null, via: 'bearer' };
		const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
		if (!basic) return 'malformed';
		const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) return 'malformed';
		return { token: decoded.slice(colon + 1), claimedUser: decoded.slice(0, colon), via: 'basic' };
	}
	if (opts.allowUrlToken) {
		const query = (req.url ?? '').split('?')[1];
		const token = query ? new URLSearchParams(query).get('token') : null;
		if (token) return { token, claimedUser: null, via: 'url' };
	}
	const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
	return cookie ? { token: cookie, claimedUser: null, via: 'cookie' } : null;
}
