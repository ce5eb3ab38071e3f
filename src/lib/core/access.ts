// Who may do what (DESIGN.md §7): principals, token scopes and MLflow's per-resource permissions (READ < EDIT <
// MANAGE), and how a principal's effective level on an experiment or registered model follows from them. Pure.

/** What a token lets its holder do at most: read, write (up to the user's permissions), or administer. */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** MLflow auth's permission names, weakest first. */
export const PERMISSIONS = ['NO_PERMISSIONS', 'READ', 'EDIT', 'MANAGE'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The resources permissions are granted on. */
export type ResourceKind = 'experiment' | 'registered_model';

/**
 * The identity behind a request or socket. `local` is the only principal of a server with no users (everything
 * allowed, loopback only); otherwise a user behind one token.
 */
export interface Principal {
	user: string;
	/** The user is an admin: MANAGE on everything, within the token's scope; admin routes need the admin scope too. */
	admin: boolean;
	scope: Scope;
	/** The token's id (null for `local`): what revocation and per-token limits key on. */
	tokenId: string | null;
}

export const LOCAL_PRINCIPAL: Principal = Object.freeze({ user: 'local', admin: true, scope: 'admin', tokenId: null });

export function isPermission(value: unknown): value is Permission {
	return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

export function isScope(value: unknown): value is Scope {
	return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

export function rank(p: Permission): number {
	return PERMISSIONS.indexOf(p);
}

/** True if `have` is at least `need`. */
export function allows(have: Permission, need: Permission): boolean {
	return rank(have) >= rank(need);
}

/** The most a token's scope lets through, whatever the user's grants: read tokens read, the others keep the grant. */
export function scopeCap(scope: Scope): Permission {
	return scope === 'read' ? 'READ' : 'MANAGE';
}

function min(a: Permission, b: Permission): Permission {
	return rank(a) <= rank(b) ? a : b;
}

/**
 * A principal's level on one resource: admins have MANAGE everywhere; others have their explicit grant, else the
 * server-wide default; both capped by the token's scope.
 */
export function effectivePermission(principal: Principal, grant: Permission | undefined, serverDefault: Permission): Permission {
	const level = principal.admin ? 'MANAGE' : (grant ?? serverDefault);
	return min(level, scopeCap(principal.scope));
}

/** Parses `30d`, `12h`, `90m`, `45s` into milliseconds; null when malformed or not positive. */
export function parseTtl(text: string): number | null {
	const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
	if (!m) return null;
	const n = Number(m[1]);
	if (n <= 0) return null;
	return n * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** A user name: 1–64 of letters, digits, `_ . @ -`, starting with a letter or digit (no spaces, no `:` for Basic auth). */
export function isValidUserName(name: unknown): name is string {
	return typeof name === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/.test(name);
}

/** A token label: 1–64 printable characters without spaces at either end. */
export function isValidTokenLabel(label: unknown): label is string {
	return typeof label === 'string' && label.length > 0 && label.length <= 64 && label === label.trim() && /^[\x21-\x7e ]+$/.test(label);
}
