// Users, tokens and permission grants in PostgreSQL, shared by every instance behind a load balancer (DESIGN §6,
// §7): the same tables as auth.db, prefixed `tandem_`. Reads answer from an in-memory snapshot, as the SQLite store's
// do (no query on a request's access check); every write bumps `tandem_auth_version` and NOTIFYs `tandem_auth` from
// a trigger, so the other instances reload at once, and `poll()` compares the version so a missed notification is
// recovered within the revocation sweep. PostgreSQL enforces unique names and labels and that grants and tokens
// belong to an existing user; its errors are mapped to the same AuthError codes.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Permission, ResourceKind, Scope } from '../../src/lib/core/access';
import {
	buildSnapshot,
	checkTokenRequest,
	checkUserName,
	hashToken,
	labelExists,
	newToken,
	noSuchGrant,
	noSuchToken,
	noSuchUser,
	snapshotReads,
	userExists,
	type AuthStore,
	type Snapshot,
	type TokenRecord,
	type UserRecord
} from './auth-store';
import { listenWithReconnect, type Listening } from '../store/pg-listen';
import { createPool, inTransaction, runOrUnavailable, toOpenError } from '../store/pg-pool';

const CHANNEL = 'tandem_auth';

const SCHEMA = `
	CREATE TABLE IF NOT EXISTS tandem_users (name TEXT PRIMARY KEY, admin BOOLEAN NOT NULL, created_at BIGINT NOT NULL);
	CREATE TABLE IF NOT EXISTS tandem_tokens (id TEXT PRIMARY KEY, label TEXT NOT NULL UNIQUE,
		"user" TEXT NOT NULL REFERENCES tandem_users (name) ON DELETE CASCADE, scope TEXT NOT NULL,
		hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, expires_at BIGINT, revoked_at BIGINT);
	CREATE TABLE IF NOT EXISTS tandem_grants (kind TEXT NOT NULL, resource TEXT NOT NULL,
		"user" TEXT NOT NULL REFERENCES tandem_users (name) ON DELETE CASCADE, permission TEXT NOT NULL,
		PRIMARY KEY (kind, resource, "user"));
	CREATE TABLE IF NOT EXISTS tandem_auth_version (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), version BIGINT NOT NULL);
	INSERT INTO tandem_auth_version (one, version) VALUES (TRUE, 0) ON CONFLICT DO NOTHING;
	CREATE OR REPLACE FUNCTION tandem_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
	DECLARE v BIGINT;
	BEGIN
		UPDATE tandem_auth_version SET version = version + 1 RETURNING version INTO v;
		PERFORM pg_notify('${CHANNEL}', v::text);
		RETURN NULL;
	END $$;
	DO $$ DECLARE t TEXT;
	BEGIN
		FOREACH t IN ARRAY ARRAY['tandem_users', 'tandem_tokens', 'tandem_grants'] LOOP
			IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = t || '_changed') THEN
				EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH STATEMENT EXECUTE FUNCTION tandem_auth_changed()', t || '_changed', t);
			END IF;
		END LOOP;
	END $$;
`;

interface PgError {
	code?: string;
	constraint?: string;
}
const num = (v: string | number | null): number | null => (v === null ? null : Number(v));
type TokenRow = { id: string; label: string; user: string; scope: Scope; created_at: string; expires_at: string | null; revoked_at: string | null };
const TOKEN_COLUMNS = 'id, label, "user", scope, created_at, expires_at, revoked_at';

/** Opens the store (creating its tables); an unreachable PostgreSQL rejects as the driver says, or as StoreUnavailableError. */
export async function openPgAuthStore(url: string, opts: { log?: (msg: string) => void } = {}): Promise<AuthStore> {
	const log = opts.log ?? (() => {});
	const pool = createPool(url, { max: 4, applicationName: 'tandem-auth', log });
	try {
		await inTransaction(pool, async (tx) => {
			await tx.query(`SELECT pg_advisory_xact_lock(hashtext('tandem_auth_schema'))`);
			await tx.query(SCHEMA);
		});
	} catch (e) {
		await pool.end().catch(() => {});
		throw toOpenError(e, 'opening the auth store');
	}

	let snapshot: Snapshot;
	let seenVersion = -1;
	let wanted = 0;
	const listeners = new Set<() => void>();
	const readVersion = async (q: Pick<PoolClient, 'query'>) => Number((await q.query<{ version: string }>('SELECT version FROM tandem_auth_version')).rows[0].version);

	/** One consistent read of everything, with the version it shows. */
	async function load(): Promise<{ snapshot: Snapshot; version: number }> {
		return inTransaction(
			pool,
			async (tx) => {
				const version = await readVersion(tx);
				const users = (await tx.query<{ name: string; admin: boolean; created_at: string }>('SELECT name, admin, created_at FROM tandem_users')).rows;
				const tokens = (await tx.query<TokenRow & { hash: string }>(`SELECT ${TOKEN_COLUMNS}, hash FROM tandem_tokens ORDER BY created_at, id`)).rows;
				const grants = (await tx.query<{ kind: string; resource: string; user: string; permission: string }>('SELECT kind, resource, "user", permission FROM tandem_grants')).rows;
				return {
					version,
					snapshot: buildSnapshot(
						users.map((u) => ({ name: u.name, admin: u.admin, createdAt: Number(u.created_at) })),
						tokens.map((t) => ({ ...readToken(t), hash: t.hash })),
						grants
					)
				};
			},
			'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'
		);
	}

	let inflight: Promise<void> | null = null;
	function reload(): Promise<void> {
		inflight ??= load()
			.then((r) => {
				if (r.version <= seenVersion) return;
				seenVersion = r.version;
				snapshot = r.snapshot;
				for (const fn of listeners) fn();
			})
			.finally(() => (inflight = null));
		return inflight;
	}
	/** Reloads until the snapshot shows version `v` (a load that began before that commit may show less). */
	async function catchUp(v: number): Promise<void> {
		wanted = Math.max(wanted, v);
		while (seenVersion < wanted) await reload();
	}
	const noticed = (v: number) => void catchUp(v).catch((e: Error) => log(`auth: reloading users and tokens failed: ${e.message}`));

	let listening: Listening;
	try {
		const first = await load();
		snapshot = first.snapshot;
		seenVersion = first.version;
		listening = await listenWithReconnect({
			url,
			channel: CHANNEL,
			applicationName: 'tandem-auth',
			log,
			onNotify: (payload) => noticed(Number(payload) || seenVersion + 1),
			// Also after a reconnect of the listening connection: what was committed meanwhile is read now.
			onListen: () => void readVersion(pool).then(noticed, () => {})
		});
	} catch (e) {
		await pool.end().catch(() => {});
		throw toOpenError(e, 'opening the auth store');
	}

	/** Runs `fn` in a transaction, maps constraint errors, and resolves once the snapshot shows the commit. */
	async function write<T>(fn: (tx: PoolClient) => Promise<T>, names: { user?: string; label?: string } = {}): Promise<T> {
		let result: T;
		let version: number;
		try {
			const done = await runOrUnavailable('writing users and tokens', () =>
				inTransaction(pool, async (tx) => {
					const out = await fn(tx);
					return { out, version: await readVersion(tx) };
				})
			);
			result = done.out;
			version = done.version;
		} catch (e) {
			const err = e as PgError;
			if (err.code === '23505' && err.constraint === 'tandem_users_pkey') throw userExists(names.user ?? '');
			if (err.code === '23505' && err.constraint === 'tandem_tokens_label_key') throw labelExists(names.label ?? '');
			if (err.code === '23503') throw noSuchUser(names.user ?? '');
			throw e;
		}
		await catchUp(version);
		return result;
	}

	let polling = false;
	return {
		...snapshotReads(() => snapshot),
		addUser: async (name: string, admin: boolean) => {
			checkUserName(name);
			const createdAt = Date.now();
			return write(async (tx): Promise<UserRecord> => {
				await tx.query('INSERT INTO tandem_users (name, admin, created_at) VALUES ($1, $2, $3)', [name, admin, createdAt]);
				return { name, admin, createdAt };
			}, { user: name });
		},
		setAdmin: (name: string, admin: boolean) =>
			write(async (tx) => {
				const r = await tx.query('UPDATE tandem_users SET admin = $2 WHERE name = $1', [name, admin]);
				if (r.rowCount === 0) throw noSuchUser(name);
			}),
		removeUser: (name: string) =>
			write(async (tx) => {
				const r = await tx.query('DELETE FROM tandem_users WHERE name = $1', [name]); // tokens and grants go with it (ON DELETE CASCADE)
				if (r.rowCount === 0) throw noSuchUser(name);
			}),
		createToken: async (o: { user: string; scope: Scope; label?: string; ttlMs?: number | null }) => {
			let label = o.label;
			return write(
				async (tx) => {
					const [u] = (await tx.query<{ name: string; admin: boolean; created_at: string }>('SELECT name, admin, created_at FROM tandem_users WHERE name = $1 FOR SHARE', [o.user])).rows;
					if (!u) throw noSuchUser(o.user);
					label = checkTokenRequest({ name: u.name, admin: u.admin, createdAt: Number(u.created_at) }, o.scope, o.label);
					const token = newToken();
					const now = Date.now();
					const record: TokenRecord = { id: randomUUID(), label, user: u.name, scope: o.scope, createdAt: now, expiresAt: o.ttlMs ? now + o.ttlMs : null, revokedAt: null };
					await tx.query(
						`INSERT INTO tandem_tokens (id, label, "user", scope, hash, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)`,
						[record.id, label, record.user, record.scope, hashToken(token), now, record.expiresAt]
					);
					return { token, record };
				},
				{
					user: o.user,
					get label() {
						return label;
					}
				}
			);
		},
		revokeToken: (label: string) =>
			write(async (tx): Promise<TokenRecord> => {
				const [t] = (
					await tx.query<TokenRow>(`UPDATE tandem_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE label = $1 RETURNING ${TOKEN_COLUMNS}`, [label, Date.now()])
				).rows;
				if (!t) throw noSuchToken(label);
				return readToken(t);
			}),
		setGrant: (kind: ResourceKind, resource: string, user: string, permission: Permission) =>
			write(async (tx) => {
				await tx.query(
					`INSERT INTO tandem_grants (kind, resource, "user", permission) VALUES ($1, $2, $3, $4)
					ON CONFLICT (kind, resource, "user") DO UPDATE SET permission = excluded.permission`,
					[kind, resource, user, permission]
				);
			}, { user }),
		deleteGrant: (kind: ResourceKind, resource: string, user: string) =>
			write(async (tx) => {
				const r = await tx.query('DELETE FROM tandem_grants WHERE kind = $1 AND resource = $2 AND "user" = $3', [kind, resource, user]);
				if (r.rowCount === 0) throw noSuchGrant(kind, resource, user);
			}),
		/** Every instance sees a rename and calls this: the first moves the grants, the others find none to move. */
		renameResource: (kind: ResourceKind, from: string, to: string) =>
			write(async (tx) => {
				const moving = await tx.query('SELECT 1 FROM tandem_grants WHERE kind = $1 AND resource = $2 FOR UPDATE', [kind, from]);
				if (moving.rowCount === 0) return;
				await tx.query(
					`DELETE FROM tandem_grants WHERE kind = $1 AND resource = $3
					AND "user" IN (SELECT "user" FROM tandem_grants WHERE kind = $1 AND resource = $2)`,
					[kind, from, to]
				);
				await tx.query('UPDATE tandem_grants SET resource = $3 WHERE kind = $1 AND resource = $2', [kind, from, to]);
			}),
		poll() {
			if (polling) return;
			polling = true;
			readVersion(pool)
				.then((v) => {
					if (v > seenVersion) noticed(v);
				})
				.catch((e: Error) => log(`auth: polling PostgreSQL failed: ${e.message}`))
				.finally(() => (polling = false));
		},
		onChange(fn: () => void): () => void {
			listeners.add(fn);
			return () => void listeners.delete(fn);
		},
		async close() {
			await listening.close();
			await pool.end();
		}
	};
}

/** A token row as the record the snapshot holds (BIGINT columns come as text). */
function readToken(t: TokenRow): TokenRecord {
	return { id: t.id, label: t.label, user: t.user, scope: t.scope, createdAt: Number(t.created_at), expiresAt: num(t.expires_at), revokedAt: num(t.revoked_at) };
}
