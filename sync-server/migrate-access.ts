// The part of `tandem migrate` that moves who-may-do-what into PostgreSQL: users, tokens (their hashes, so every
// token keeps working), grants and webhooks (with their outbox and seen rows), from auth.db and webhooks.db into
// the tables pg-auth-store.ts and pg-webhook-store.ts define, in one transaction, then counted back.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openPgAuthStore } from './auth/pg-auth-store';
import { createPool, inTransaction } from './store/pg-pool';
import { encodeSeenText, openPgWebhookStore } from './webhooks/pg-webhook-store';
import { createSecretCipher } from './webhooks/webhook-secret';

export interface AccessCounts {
	users: number;
	tokens: number;
	grants: number;
	webhooks: number;
}

/** Each SQLite table copied, the PostgreSQL table it goes to, and its columns (same names on both sides). */
const TABLES = [
	{ file: 'auth.db', from: 'users', to: 'tandem_users', columns: ['name', 'admin', 'created_at'], count: 'users' },
	{ file: 'auth.db', from: 'tokens', to: 'tandem_tokens', columns: ['id', 'label', 'user', 'scope', 'hash', 'created_at', 'expires_at', 'revoked_at'], count: 'tokens' },
	{ file: 'auth.db', from: 'grants', to: 'tandem_grants', columns: ['kind', 'resource', 'user', 'permission'], count: 'grants' },
	{ file: 'webhooks.db', from: 'webhooks', to: 'tandem_webhooks', columns: ['id', 'name', 'description', 'url', 'events', 'status', 'secret', 'created', 'updated', 'deleted'], count: 'webhooks' },
	{ file: 'webhooks.db', from: 'outbox', to: 'tandem_webhook_outbox', columns: ['id', 'webhook_id', 'event', 'body', 'queued', 'attempts', 'next_at', 'state', 'last_error', 'done_at'], count: null },
	{ file: 'webhooks.db', from: 'seen', to: 'tandem_webhook_seen', columns: ['key', 'value'], count: null },
	{ file: 'webhooks.db', from: 'meta', to: 'tandem_webhook_meta', columns: ['key', 'value'], count: null }
] as const;

const BOOLEAN_COLUMNS = new Set(['tandem_users.admin']);
/** Seen rows hold NUL separators, which PostgreSQL text cannot: pg-webhook-store.ts escapes them, and so must we. */
const ESCAPED_TABLES = new Set(['tandem_webhook_seen']);

/** Rows already in the target's access tables (0 for a table that does not exist yet). */
export async function countAccessRows(url: string): Promise<AccessCounts> {
	const pool = createPool(url, { max: 1, applicationName: 'tandem-migrate' });
	try {
		const counts: AccessCounts = { users: 0, tokens: 0, grants: 0, webhooks: 0 };
		for (const t of TABLES) {
			if (!t.count) continue;
			const { rows } = await pool.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [t.to]);
			if (!rows[0].exists) continue;
			const counted = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.to}`);
			counts[t.count] += Number(counted.rows[0].n);
		}
		return counts;
	} finally {
		await pool.end();
	}
}

/**
 * Copies every row of the tables above that exists in `dataDir` into `url`, in one transaction, and returns the
 * counts read back from PostgreSQL after the commit (which must equal the source's, else it throws).
 */
export async function copyAccessRows(dataDir: string, url: string, out: (line: string) => void): Promise<AccessCounts> {
	// Opening the stores creates their tables (and the triggers that tell running instances to reload).
	await (await openPgAuthStore(url)).close();
	await (await openPgWebhookStore(url, createSecretCipher(process.env.MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY))).close();
	const sources = new Map<string, Database.Database>();
	const source = (file: string) => {
		const p = path.join(dataDir, file);
		if (!sources.has(file) && existsSync(p)) sources.set(file, new Database(p, { readonly: true, fileMustExist: true }));
		return sources.get(file) ?? null;
	};
	const expected: AccessCounts = { users: 0, tokens: 0, grants: 0, webhooks: 0 };
	const pool = createPool(url, { max: 1, applicationName: 'tandem-migrate' });
	try {
		await inTransaction(pool, async (tx) => {
			for (const t of TABLES) {
				const db = source(t.file);
				const exists = db?.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t.from);
				if (!db || !exists) continue;
				const rows = db.prepare(`SELECT ${t.columns.map((c) => `"${c}"`).join(', ')} FROM "${t.from}"`).all() as Record<string, unknown>[];
				if (t.count) expected[t.count] += rows.length;
				const cols = t.columns.map((c) => `"${c}"`).join(', ');
				for (const row of rows) {
					const values = t.columns.map((c) => {
						const v = row[c];
						if (BOOLEAN_COLUMNS.has(`${t.to}.${c}`)) return v === 1;
						return ESCAPED_TABLES.has(t.to) ? encodeSeenText(String(v)) : v;
					});
					await tx.query(`INSERT INTO ${t.to} (${cols}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
				}
			}
		});
	} finally {
		await pool.end();
		for (const db of sources.values()) db.close();
	}
	const got = await countAccessRows(url);
	for (const key of Object.keys(expected) as (keyof AccessCounts)[]) {
		if (got[key] !== expected[key]) throw new Error(`copying ${key}: the target holds ${got[key]}, the source ${expected[key]}`);
	}
	out(`  access: ${got.users} users, ${got.tokens} tokens, ${got.grants} grants, ${got.webhooks} webhooks`);
	return got;
}
