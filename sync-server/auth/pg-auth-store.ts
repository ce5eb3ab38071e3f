// Users, tokens and permission grants in PostgreSQL, shared by every instance behind a load balancer (DESIGN §6,
// §7): the same tables as auth.db, prefixed `tandem_`. Reads answer from an in-memory snapshot, as the SQLite store's
// do (no query on a request's access check); every write bumps `tandem_auth_version` and NOTIFYs `tandem_auth` from
// a trigger, so the other instances reload at once, and `poll()` compares the version so a missed notification is
// recovered within the revocation sweep. PostgreSQL enforces unique names and labels and that grants and tokens
// belong to an existing user; its errors are mapped to the same AuthError codes.
import postgres from 'postgres';
import { randomUUID } from 'node:crypto';
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
	constraint_name?: string;
}
const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

export async function openPgAuthStore(url: string, opts: { log?: (msg: string) => void } = {}): Promise<AuthStore> {
	const log = opts.log ?? (() => {});
	const sql = postgres(url, { max: 4, onnotice: () => {}, connection: { application_name: 'tandem-auth' } });
	try {
		await sql.begin(async (tx) => {
			await tx`SELECT pg_advisory_xact_lock(hashtext('tandem_auth_schema'))`;
			await tx.unsafe(SCHEMA);
		});
	} catch (e) {
		await sql.end({ timeout: 1 });
		throw e;
	}

	let snapshot: Snapshot;
	let seenVersion = -1;
	let wanted = 0;
	const listeners = new Set<() => void>();

	/** One consistent read of everything, with the version it shows. */
	async function load(): Promise<{ snapshot: Snapshot; version: number }> {
		return sql.begin('isolation level repeatable read read only', async (tx) => {
			const [{ version }] = await tx<{ version: string }[]>`SELECT version FROM tandem_auth_version`;
			const users = await tx<{ name: string; admin: boolean; created_at: string }[]>`SELECT name, admin, created_at FROM tandem_users`;
			const tokens = await tx<
				{ id: string; label: string; user: string; scope: Scope; hash: string; created_at: string; expires_at: string | null; revoked_at: string | null }[]
			>`SELECT id, label, "user", scope, hash, created_at, expires_at, revoked_at FROM tandem_tokens ORDER BY created_at, id`;
			const grants = await tx<{ kind: string; resource: string; user: string; permission: string }[]>`SELECT kind, resource, "user", permission FROM tandem_grants`;
			return {
				version: Number(version),
				snapshot: buildSnapshot(
					users.map((u) => ({ name: u.name, admin: u.admin, createdAt: Number(u.created_at) })),
					tokens.map((t) => ({ id: t.id, label: t.label, user: t.user, scope: t.scope, hash: t.hash, createdAt: Number(t.created_at), expiresAt: num(t.expires_at), revokedAt: num(t.revoked_at) })),
					grants
				)
			};
		});
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

	const first = await load();
	snapshot = first.snapshot;
	seenVersion = first.version;
	const listening = await sql.listen(
		CHANNEL,
		(payload) => noticed(Number(payload) || seenVersion + 1),
		// Also after a reconnect of the listening connection: what was committed meanwhile is read now.
		() => void sql`SELECT version FROM tandem_auth_version`.then(([r]) => noticed(Number(r.version)), () => {})
	);

	/** Runs `fn` in a transaction, maps constraint errors, and resolves once the snapshot shows the commit. */
	async function write<T>(fn: (tx: postgres.TransactionSql) => Promise<T>, names: { user?: string; label?: string } = {}): Promise<T> {
		let result: T;
		let version: number;
		try {
			const done = (await sql.begin(async (tx) => {
				const out = await fn(tx);
				const [{ version }] = await tx<{ version: string }[]>`SELECT version FROM tandem_auth_version`;
				return { out, version: Number(version) };
			})) as { out: T; version: number };
			result = done.out;
			version = done.version;
		} catch (e) {
			const err = e as PgError;
			if (err.code === '23505' && err.constraint_name === 'tandem_users_pkey') throw userExists(names.user ?? '');
			if (err.code === '23505' && err.constraint_name === 'tandem_tokens_label_key') throw labelExists(names.label ?? '');
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
				await tx`INSERT INTO tandem_users (name, admin, created_at) VALUES (${name}, ${admin}, ${createdAt})`;
				return { name, admin, createdAt };
			}, { user: name });
		},
		setAdmin: (name: string, admin: boolean) =>
			write(async (tx) => {
				const r = await tx`UPDATE tandem_users SET admin = ${admin} WHERE name = ${name}`;
				if (r.count === 0) throw noSuchUser(name);
			}),
		removeUser: (name: string) =>
			write(async (tx) => {
				const r = await tx`DELETE FROM tandem_users WHERE name = ${name}`; // tokens and grants go with it (ON DELETE CASCADE)
				if (r.count === 0) throw noSuchUser(name);
			}),
		createToken: async (o: { user: string; scope: Scope; label?: string; ttlMs?: number | null }) => {
			let label = o.label;
			return write(
				async (tx) => {
					const [u] = await tx<{ name: string; admin: boolean; created_at: string }[]>`SELECT name, admin, created_at FROM tandem_users WHERE name = ${o.user} FOR SHARE`;
					if (!u) throw noSuchUser(o.user);
					label = checkTokenRequest({ name: u.name, admin: u.admin, createdAt: Number(u.created_at) }, o.scope, o.label);
					const token = newToken();
					const now = Date.now();
					const record: TokenRecord = { id: randomUUID(), label, user: u.name, scope: o.scope, createdAt: now, expiresAt: o.ttlMs ? now + o.ttlMs : null, revokedAt: null };
					await tx`INSERT INTO tandem_tokens (id, label, "user", scope, hash, created_at, expires_at, revoked_at)
						VALUES (${record.id}, ${label}, ${record.user}, ${record.scope}, ${hashToken(token)}, ${now}, ${record.expiresAt}, NULL)`;
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
				const [t] = await tx<{ id: string; label: string; user: string; scope: Scope; created_at: string; expires_at: string | null; revoked_at: string }[]>`
					UPDATE tandem_tokens SET revoked_at = COALESCE(revoked_at, ${Date.now()}) WHERE label = ${label}
					RETURNING id, label, "user", scope, created_at, expires_at, revoked_at`;
				if (!t) throw noSuchToken(label);
				return { id: t.id, label: t.label, user: t.user, scope: t.scope, createdAt: Number(t.created_at), expiresAt: num(t.expires_at), revokedAt: Number(t.revoked_at) };
			}),
		setGrant: (kind: ResourceKind, resource: string, user: string, permission: Permission) =>
			write(async (tx) => {
				await tx`INSERT INTO tandem_grants (kind, resource, "user", permission) VALUES (${kind}, ${resource}, ${user}, ${permission})
					ON CONFLICT (kind, resource, "user") DO UPDATE SET permission = excluded.permission`;
			}, { user }),
		deleteGrant: (kind: ResourceKind, resource: string, user: string) =>
			write(async (tx) => {
				const r = await tx`DELETE FROM tandem_grants WHERE kind = ${kind} AND resource = ${resource} AND "user" = ${user}`;
				if (r.count === 0) throw noSuchGrant(kind, resource, user);
			}),
		/** Every instance sees a rename and calls this: the first moves the grants, the others find none to move. */
		renameResource: (kind: ResourceKind, from: string, to: string) =>
			write(async (tx) => {
				const moving = await tx`SELECT 1 FROM tandem_grants WHERE kind = ${kind} AND resource = ${from} FOR UPDATE`;
				if (moving.length === 0) return;
				await tx`DELETE FROM tandem_grants WHERE kind = ${kind} AND resource = ${to}
					AND "user" IN (SELECT "user" FROM tandem_grants WHERE kind = ${kind} AND resource = ${from})`;
				await tx`UPDATE tandem_grants SET resource = ${to} WHERE kind = ${kind} AND resource = ${from}`;
			}),
		poll() {
			if (polling) return;
			polling = true;
			sql`SELECT version FROM tandem_auth_version`
				.then(([r]) => {
					if (Number(r.version) > seenVersion) noticed(Number(r.version));
				})
				.catch((e: Error) => log(`auth: polling PostgreSQL failed: ${e.message}`))
				.finally(() => (polling = false));
		},
		onChange(fn: () => void): () => void {
			listeners.add(fn);
			return () => void listeners.delete(fn);
		},
		async close() {
			await listening.unlisten().catch(() => {});
			await sql.end({ timeout: 5 });
		}
	};
}
