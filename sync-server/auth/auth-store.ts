// Users, tokens and permission grants, in their own SQLite file (`auth.db` in the data directory) so the CLI can
// edit them while a server runs: the server reads them through an in-memory cache that reloads whenever SQLite's
// `data_version` says another connection committed. Tokens are stored as SHA-256 hashes only.
import Database from 'better-sqlite3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { isPermission, isScope, isValidTokenLabel, isValidUserName, type Permission, type ResourceKind, type Scope } from '../../src/lib/core/access';

export interface UserRecord {
	name: string;
	admin: boolean;
	createdAt: number;
}

export interface TokenRecord {
	id: string;
	label: string;
	user: string;
	scope: Scope;
	createdAt: number;
	/** ms since epoch, null for no expiry. */
	expiresAt: number | null;
	revokedAt: number | null;
}

export interface GrantRecord {
	kind: ResourceKind;
	resource: string;
	user: string;
	permission: Permission;
}

export class AuthError extends Error {
	constructor(
		readonly code: 'INVALID_PARAMETER_VALUE' | 'RESOURCE_ALREADY_EXISTS' | 'RESOURCE_DOES_NOT_EXIST',
		message: string
	) {
		super(message);
	}
}

/** Tokens look like `tdm_<43 base64url chars>` (256 random bits). */
export const TOKEN_PREFIX = 'tdm_';

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** Hashes of tokens seen lately: every request presents one, and a SHA-256 costs more than the rest of the check. */
const recentHashes = new Map<string, string>();
function cachedHash(token: string): string {
	let hash = recentHashes.get(token);
	if (hash === undefined) {
		if (recentHashes.size >= 1024) recentHashes.clear();
		recentHashes.set(token, (hash = hashToken(token)));
	}
	return hash;
}


export interface Snapshot {
	users: Map<string, UserRecord>;
	tokensByHash: Map<string, TokenRecord>;
	tokens: TokenRecord[];
	grants: Map<string, Permission>;
}

const grantKey = (kind: ResourceKind, resource: string, user: string) => `${kind}\u0000${resource}\u0000${user}`;

/** Users, tokens and grants: reads answer from an in-memory snapshot (no I/O on a request's access check); writes
 * resolve once committed, with the snapshot already showing them. Implemented on SQLite (here) and on PostgreSQL
 * (pg-auth-store.ts, shared by several instances). */
export interface AuthStore {
	hasUsers(): boolean;
	users(): UserRecord[];
	getUser(name: string): UserRecord | null;
	addUser(name: string, admin: boolean): Promise<UserRecord>;
	setAdmin(name: string, admin: boolean): Promise<void>;
	/** Deletes the user, their tokens and their grants. */
	removeUser(name: string): Promise<void>;
	/** Creates a token and returns it in clear, the only time it exists outside its holder. */
	createToken(opts: { user: string; scope: Scope; label?: string; ttlMs?: number | null }): Promise<{ token: string; record: TokenRecord }>;
	tokens(): TokenRecord[];
	/** The record behind a presented token, whatever its state (the caller checks expiry and revocation). */
	findToken(token: string): TokenRecord | null;
	revokeToken(label: string): Promise<TokenRecord>;
	grant(kind: ResourceKind, resource: string, user: string): Permission | undefined;
	grantsOn(kind: ResourceKind, resource: string): GrantRecord[];
	setGrant(kind: ResourceKind, resource: string, user: string, permission: Permission): Promise<void>;
	deleteGrant(kind: ResourceKind, resource: string, user: string): Promise<void>;
	/** A registered model's grants follow it when it is renamed (they are keyed by name, as in MLflow). */
	renameResource(kind: ResourceKind, from: string, to: string): Promise<void>;
	/** Notices another process's commits (at once or soon after); call periodically so revocations reach open sockets. */
	poll(): void;
	/** `fn` runs after any change (local, or another process's once noticed). */
	onChange(fn: () => void): () => void;
	close(): Promise<void>;
}

/** The checks every implementation makes before a write (the database enforces uniqueness and existence itself). */
export function checkUserName(name: string): void {
	if (!isValidUserName(name)) throw new AuthError('INVALID_PARAMETER_VALUE', `Invalid user name '${name}': 1-64 letters, digits, '_', '.', '@' or '-'`);
}
export function checkTokenRequest(user: UserRecord, scope: Scope, label: string | undefined): string {
	if (!isScope(scope)) throw new AuthError('INVALID_PARAMETER_VALUE', `Invalid scope '${String(scope)}': read, write or admin`);
	if (scope === 'admin' && !user.admin) throw new AuthError('INVALID_PARAMETER_VALUE', `User '${user.name}' is not an admin: an admin token needs an admin user`);
	const chosen = label ?? `${user.name}-${randomBytes(3).toString('hex')}`;
	if (!isValidTokenLabel(chosen)) throw new AuthError('INVALID_PARAMETER_VALUE', `Invalid token label '${chosen}': 1-64 printable characters`);
	return chosen;
}
export const newToken = () => TOKEN_PREFIX + randomBytes(32).toString('base64url');
export const noSuchUser = (name: string) => new AuthError('RESOURCE_DOES_NOT_EXIST', `User '${name}' does not exist`);
export const userExists = (name: string) => new AuthError('RESOURCE_ALREADY_EXISTS', `User '${name}' already exists`);
export const labelExists = (label: string) => new AuthError('RESOURCE_ALREADY_EXISTS', `A token labelled '${label}' already exists`);
export const noSuchToken = (label: string) => new AuthError('RESOURCE_DOES_NOT_EXIST', `No token labelled '${label}'`);
export const noSuchGrant = (kind: ResourceKind, resource: string, user: string) =>
	new AuthError('RESOURCE_DOES_NOT_EXIST', `No ${kind} permission for user '${user}' on '${resource}'`);

/** The snapshot's read methods, shared by both implementations. */
export function snapshotReads(current: () => Snapshot) {
	return {
		hasUsers: () => current().users.size > 0,
		users: () => [...current().users.values()],
		getUser: (name: string) => current().users.get(name) ?? null,
		tokens: () => [...current().tokens],
		findToken: (token: string): TokenRecord | null => current().tokensByHash.get(cachedHash(token)) ?? null,
		grant: (kind: ResourceKind, resource: string, user: string): Permission | undefined => current().grants.get(grantKey(kind, resource, user)),
		grantsOn(kind: ResourceKind, resource: string): GrantRecord[] {
			const out: GrantRecord[] = [];
			for (const [key, permission] of current().grants) {
				const [k, r, u] = key.split('\u0000');
				if (k === kind && r === resource) out.push({ kind, resource, user: u, permission });
			}
			return out;
		}
	};
}

/** Builds a snapshot from rows as stored (rows with an unknown scope or permission are left out). */
export function buildSnapshot(
	userRows: Iterable<UserRecord>,
	tokenRows: Iterable<TokenRecord & { hash: string; scope: string }>,
	grantRows: Iterable<{ kind: string; resource: string; user: string; permission: string }>
): Snapshot {
	const users = new Map<string, UserRecord>();
	for (const u of userRows) users.set(u.name, u);
	const tokens: TokenRecord[] = [];
	const tokensByHash = new Map<string, TokenRecord>();
	for (const { hash, ...r } of tokenRows) {
		if (!isScope(r.scope)) continue;
		tokens.push(r);
		tokensByHash.set(hash, r);
	}
	const grants = new Map<string, Permission>();
	for (const g of grantRows) if (isPermission(g.permission)) grants.set(grantKey(g.kind as ResourceKind, g.resource, g.user), g.permission);
	return { users, tokensByHash, tokens, grants };
}

/** Opens `file` (created if missing; `:memory:` for a store that lives with the process). */
export function openAuthStore(file: string): AuthStore {
	if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('busy_timeout = 5000');
	db.exec(`
		CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, admin INTEGER NOT NULL, created_at INTEGER NOT NULL);
		CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, label TEXT NOT NULL UNIQUE, user TEXT NOT NULL, scope TEXT NOT NULL,
			hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER);
		CREATE TABLE IF NOT EXISTS grants (kind TEXT NOT NULL, resource TEXT NOT NULL, user TEXT NOT NULL, permission TEXT NOT NULL,
			PRIMARY KEY (kind, resource, user));
	`);
	const dataVersion = db.prepare('PRAGMA data_version').pluck();
	let seenVersion = -1;
	let snapshot: Snapshot | null = null;
	const listeners = new Set<() => void>();

	function load(): Snapshot {
		const users = (db.prepare('SELECT name, admin, created_at FROM users').all() as { name: string; admin: number; created_at: number }[]).map((r) => ({
			name: r.name,
			admin: r.admin === 1,
			createdAt: r.created_at
		}));
		const rows = db.prepare('SELECT id, label, user, scope, hash, created_at, expires_at, revoked_at FROM tokens ORDER BY created_at').all() as {
			id: string;
			label: string;
			user: string;
			scope: Scope;
			hash: string;
			created_at: number;
			expires_at: number | null;
			revoked_at: number | null;
		}[];
		const tokens = rows.map((r) => ({ id: r.id, label: r.label, user: r.user, scope: r.scope, hash: r.hash, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at }));
		return buildSnapshot(users, tokens, db.prepare('SELECT kind, resource, user, permission FROM grants').all() as GrantRecord[]);
	}

	let checkedThisTurn = false;
	/** The cache, reloaded if any connection (this one or the CLI's) committed since it was read. SQLite is asked once
	 * per turn of the event loop (a request asks several times in one): another process's commit counts from the next. */
	function current(): Snapshot {
		if (snapshot && checkedThisTurn) return snapshot;
		checkedThisTurn = true;
		setImmediate(() => (checkedThisTurn = false));
		const version = dataVersion.get() as number;
		if (snapshot && version === seenVersion) return snapshot;
		const changedElsewhere = snapshot !== null;
		seenVersion = version;
		snapshot = load();
		if (changedElsewhere) for (const fn of listeners) fn();
		return snapshot;
	}
	/** After a write on this connection (data_version only moves for other connections' commits). */
	function written(): void {
		snapshot = load();
		for (const fn of listeners) fn();
	}
	const requireUser = (name: string) => {
		const user = current().users.get(name);
		if (!user) throw noSuchUser(name);
		return user;
	};
	/** A write: runs synchronously (errors reject the promise), resolves once committed. */
	const write = <T>(fn: () => T): Promise<T> => {
		try {
			return Promise.resolve(fn());
		} catch (e) {
			return Promise.reject(e);
		}
	};

	return {
		...snapshotReads(current),
		addUser: (name: string, admin: boolean) =>
			write((): UserRecord => {
				checkUserName(name);
				if (current().users.has(name)) throw userExists(name);
				const createdAt = Date.now();
				db.prepare('INSERT INTO users (name, admin, created_at) VALUES (?, ?, ?)').run(name, admin ? 1 : 0, createdAt);
				written();
				return { name, admin, createdAt };
			}),
		setAdmin: (name: string, admin: boolean) =>
			write(() => {
				requireUser(name);
				db.prepare('UPDATE users SET admin = ? WHERE name = ?').run(admin ? 1 : 0, name);
				written();
			}),
		removeUser: (name: string) =>
			write(() => {
				requireUser(name);
				db.transaction(() => {
					db.prepare('DELETE FROM tokens WHERE user = ?').run(name);
					db.prepare('DELETE FROM grants WHERE user = ?').run(name);
					db.prepare('DELETE FROM users WHERE name = ?').run(name);
				})();
				written();
			}),
		createToken: (opts: { user: string; scope: Scope; label?: string; ttlMs?: number | null }) =>
			write(() => {
				const user = requireUser(opts.user);
				const label = checkTokenRequest(user, opts.scope, opts.label);
				if (current().tokens.some((t) => t.label === label)) throw labelExists(label);
				const token = newToken();
				const now = Date.now();
				const record: TokenRecord = { id: randomUUID(), label, user: user.name, scope: opts.scope, createdAt: now, expiresAt: opts.ttlMs ? now + opts.ttlMs : null, revokedAt: null };
				db.prepare('INSERT INTO tokens (id, label, user, scope, hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)').run(
					record.id,
					label,
					record.user,
					record.scope,
					hashToken(token),
					now,
					record.expiresAt
				);
				written();
				return { token, record };
			}),
		revokeToken: (label: string) =>
			write((): TokenRecord => {
				const t = current().tokens.find((x) => x.label === label);
				if (!t) throw noSuchToken(label);
				if (t.revokedAt === null) {
					db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ?').run(Date.now(), t.id);
					written();
				}
				return current().tokens.find((x) => x.id === t.id)!;
			}),
		setGrant: (kind: ResourceKind, resource: string, user: string, permission: Permission) =>
			write(() => {
				requireUser(user);
				db.prepare('INSERT INTO grants (kind, resource, user, permission) VALUES (?, ?, ?, ?) ON CONFLICT (kind, resource, user) DO UPDATE SET permission = excluded.permission').run(
					kind,
					resource,
					user,
					permission
				);
				written();
			}),
		deleteGrant: (kind: ResourceKind, resource: string, user: string) =>
			write(() => {
				const r = db.prepare('DELETE FROM grants WHERE kind = ? AND resource = ? AND user = ?').run(kind, resource, user);
				if (r.changes === 0) throw noSuchGrant(kind, resource, user);
				written();
			}),
		renameResource: (kind: ResourceKind, from: string, to: string) =>
			write(() => {
				db.prepare('UPDATE OR REPLACE grants SET resource = ? WHERE kind = ? AND resource = ?').run(to, kind, from);
				written();
			}),
		poll: () => void current(),
		onChange(fn: () => void): () => void {
			listeners.add(fn);
			return () => void listeners.delete(fn);
		},
		close: async () => void db.close()
	};
}
