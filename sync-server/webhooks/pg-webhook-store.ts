// Webhooks, their delivery outbox and the registry rows already seen, in PostgreSQL, shared by every instance
// (DESIGN §6): the tables of webhooks.db, prefixed `tandem_webhook`. Every instance watches the registry, so
// recording a change is idempotent across them: under one advisory lock, the first instance whose view of the
// registry covers the last one recorded (registry-snapshot.ts) diffs it against the seen rows, updates them and queues
// the events in the same transaction; the others then find nothing new. Deliveries are claimed atomically (FOR
// UPDATE SKIP LOCKED) for a lease, so an event goes out once, and a dead instance's claim lapses and is taken up
// again under the same delivery id. Secrets are sealed as in SQLite (webhook-secret.ts).
import { randomUUID } from 'node:crypto';
import type { PoolClient, QueryResultRow } from 'pg';
import type { WebhookRecord } from '../../src/lib/core/webhooks/webhook-request';
import { createSecretCipher, type SecretCipher } from './webhook-secret';
import { eventBody, readWebhookRow, type Delivery, type DeliveryStatus, type RegistryView, type StoredWebhook, type WebhookRow, type WebhookStore } from './webhook-store';
import { coversEncoded } from './registry-snapshot';
import { listenWithReconnect, type Listening } from '../store/pg-listen';
import { createPool, inTransaction, runOrUnavailable, toOpenError } from '../store/pg-pool';

const CHANNEL = 'tandem_webhooks';

const SCHEMA = `
	CREATE TABLE IF NOT EXISTS tandem_webhooks (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, url TEXT NOT NULL,
		events TEXT NOT NULL, status TEXT NOT NULL, secret TEXT, created BIGINT NOT NULL, updated BIGINT NOT NULL, deleted BIGINT);
	CREATE TABLE IF NOT EXISTS tandem_webhook_outbox (id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL,
		queued BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at BIGINT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
		last_error TEXT, done_at BIGINT, claimed_by TEXT, claimed_until BIGINT);
	CREATE INDEX IF NOT EXISTS tandem_webhook_outbox_due ON tandem_webhook_outbox (next_at) WHERE state = 'pending';
	CREATE TABLE IF NOT EXISTS tandem_webhook_seen (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	CREATE TABLE IF NOT EXISTS tandem_webhook_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;
/** Held while the seen rows are compared and updated (and while the schema is created). */
const REGISTRY_LOCK = 0x7461_6e64_656d_01n; // "tandem", 1
const SCHEMA_LOCK = 0x7461_6e64_656d_02n;

/** Seen rows' keys and values hold NUL separators, which PostgreSQL's text cannot: NUL is stored as `\0`, `\` as `\\`. */
export const encodeSeenText = (s: string) => s.replace(/\\/g, '\\\\').replace(/\0/g, '\\0');
export const decodeSeenText = (s: string) => s.replace(/\\(\\|0)/g, (_, c: string) => (c === '0' ? '\0' : '\\'));
const readSeen = (rows: { key: string; value: string }[]) => new Map(rows.map((r) => [decodeSeenText(r.key), decodeSeenText(r.value)]));

type DueRow = { id: string; webhook_id: string; event: string; body: string; attempts: number; next_at: string; queued: string };

type Query = Pick<PoolClient, 'query'>;

/** Opens the store (creating its tables); an unreachable PostgreSQL rejects as the driver says, or as StoreUnavailableError. */
export async function openPgWebhookStore(url: string, cipher: SecretCipher = createSecretCipher(undefined), opts: { log?: (msg: string) => void } = {}): Promise<WebhookStore> {
	const log = opts.log ?? (() => {});
	const pool = createPool(url, { max: 4, applicationName: 'tandem-webhooks', log });
	const me = randomUUID(); // this instance's name on its claims
	const wakers = new Set<() => void>();
	const wake = () => {
		for (const fn of wakers) fn();
	};
	let listening: Listening;
	try {
		await inTransaction(pool, async (tx) => {
			await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [SCHEMA_LOCK.toString()]);
			await tx.query(SCHEMA);
		});
		listening = await listenWithReconnect({
			url,
			channel: CHANNEL,
			applicationName: 'tandem-webhooks',
			log,
			onNotify: (from) => {
				if (from !== me) wake();
			},
			onListen: wake // (re)connected: whatever was queued meanwhile is looked at
		});
	} catch (e) {
		await pool.end().catch(() => {});
		throw toOpenError(e, 'opening the webhook store');
	}
	const toRecord = (r: WebhookRow) => readWebhookRow(r, cipher);
	const rowsOf = async <R extends QueryResultRow>(q: Query, text: string, values: unknown[] = []) => (await q.query<R>(text, values)).rows;
	/** One statement on the pool, unreachability reported as StoreUnavailableError naming `what`. */
	const run = <R extends QueryResultRow>(what: string, text: string, values: unknown[] = []) => runOrUnavailable(what, () => pool.query<R>(text, values));
	const notify = (tx: Query) => tx.query('SELECT pg_notify($1, $2)', [CHANNEL, me]);
	/** The seen rows as of `seenVersion` (meta key `seen_version`), kept between records: most find them unchanged. */
	let seen: Map<string, string> | null = null;
	let seenVersion = '';

	async function recordRegistry(view: RegistryView, at: number): Promise<number> {
		if (!view.snapshot) throw new Error('a shared webhook store needs the registry snapshot');
		const snapshot = view.snapshot;
		let next: { seen: Map<string, string>; version: string } | null = null;
		const queued = await inTransaction(pool, async (tx) => {
			await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [REGISTRY_LOCK.toString()]);
			const meta = new Map((await rowsOf<{ key: string; value: string }>(tx, 'SELECT key, value FROM tandem_webhook_meta')).map((r) => [r.key, r.value]));
			const recorded = meta.get('registry_snapshot');
			// Behind the view last recorded: an update has yet to reach this instance (it records again when it does).
			if (!coversEncoded(snapshot, recorded === undefined ? null : Buffer.from(recorded, 'base64'))) return 0;
			const version = meta.get('seen_version') ?? '0';
			let rows = seen;
			if (rows === null || version !== seenVersion) rows = readSeen(await rowsOf<{ key: string; value: string }>(tx, 'SELECT key, value FROM tandem_webhook_seen'));
			const seeded = meta.has('seeded');
			const diff = view.diff(rows);
			const setMeta = (key: string, value: string) =>
				tx.query('INSERT INTO tandem_webhook_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
			await setMeta('registry_snapshot', Buffer.from(snapshot).toString('base64'));
			if (diff.changes.length === 0 && seeded) {
				next = { seen: rows, version };
				return 0;
			}
			const gone = diff.changes.filter(([, v]) => v === null).map(([k]) => encodeSeenText(k));
			const set = diff.changes.filter((c): c is [string, string] => c[1] !== null);
			if (gone.length > 0) await tx.query('DELETE FROM tandem_webhook_seen WHERE key = ANY($1::text[])', [gone]);
			if (set.length > 0) {
				await tx.query(
					`INSERT INTO tandem_webhook_seen (key, value) SELECT * FROM unnest($1::text[], $2::text[])
					ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
					[set.map((c) => encodeSeenText(c[0])), set.map((c) => encodeSeenText(c[1]))]
				);
			}
			const newVersion = String(Number(version) + 1);
			await setMeta('seen_version', newVersion);
			if (!seeded) await setMeta('seeded', String(at));
			const updated = new Map(rows);
			for (const [k, v] of diff.changes) {
				if (v === null) updated.delete(k);
				else updated.set(k, v);
			}
			next = { seen: updated, version: newVersion };
			if (!seeded || diff.events.length === 0) return 0;
			const hooks = (await rowsOf<WebhookRow>(tx, `SELECT * FROM tandem_webhooks WHERE deleted IS NULL AND status = 'ACTIVE'`)).map(toRecord);
			const ids: string[] = [];
			const hookIds: string[] = [];
			const events: string[] = [];
			const bodies: string[] = [];
			for (const e of diff.events) {
				const body = eventBody(e, at);
				for (const h of hooks) {
					if (!h.events.includes(e.event)) continue;
					ids.push(randomUUID());
					hookIds.push(h.id);
					events.push(e.event);
					bodies.push(body);
				}
			}
			if (ids.length === 0) return 0;
			await tx.query(
				`INSERT INTO tandem_webhook_outbox (id, webhook_id, event, body, queued, next_at)
				SELECT id, hook, event, body, $5::bigint, $5::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t (id, hook, event, body)`,
				[ids, hookIds, events, bodies, at]
			);
			await notify(tx);
			return ids.length;
		});
		if (next !== null) ({ seen, version: seenVersion } = next as { seen: Map<string, string>; version: string });
		return queued;
	}

	return {
		shared: true,
		async create(w: Omit<WebhookRecord, 'id'>): Promise<WebhookRecord> {
			const id = randomUUID();
			await run(
				'creating a webhook',
				`INSERT INTO tandem_webhooks (id, name, description, url, events, status, secret, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				[id, w.name, w.description, w.url, JSON.stringify(w.events), w.status, cipher.seal(w.secret), w.creationTimestamp, w.lastUpdatedTimestamp]
			);
			return { ...w, id };
		},
		async get(id: string): Promise<StoredWebhook | null> {
			const [row] = (await run<WebhookRow>('reading a webhook', 'SELECT * FROM tandem_webhooks WHERE id = $1 AND deleted IS NULL', [id])).rows;
			return row ? toRecord(row) : null;
		},
		async list(limit: number, offset: number): Promise<WebhookRecord[]> {
			const r = await run<WebhookRow>('listing webhooks', 'SELECT * FROM tandem_webhooks WHERE deleted IS NULL ORDER BY created DESC, id LIMIT $1 OFFSET $2', [limit, offset]);
			return r.rows.map(toRecord);
		},
		async update(w: WebhookRecord): Promise<void> {
			await run(
				'updating a webhook',
				'UPDATE tandem_webhooks SET name = $2, description = $3, url = $4, events = $5, status = $6, secret = $7, updated = $8 WHERE id = $1',
				[w.id, w.name, w.description, w.url, JSON.stringify(w.events), w.status, cipher.seal(w.secret), w.lastUpdatedTimestamp]
			);
		},
		async delete(id: string, at: number): Promise<boolean> {
			const r = await run('deleting a webhook', 'UPDATE tandem_webhooks SET deleted = $2, updated = $2 WHERE id = $1 AND deleted IS NULL', [id, at]);
			return (r.rowCount ?? 0) > 0;
		},
		recordRegistry: (view, at) => runOrUnavailable('recording registry changes', () => recordRegistry(view, at)),
		async claimDue(now: number, limit: number, leaseMs: number): Promise<Delivery[]> {
			if (limit <= 0) return [];
			const { rows } = await run<DueRow>(
				'claiming webhook deliveries',
				`UPDATE tandem_webhook_outbox SET claimed_by = $1, claimed_until = $2
				WHERE id IN (SELECT id FROM tandem_webhook_outbox
					WHERE state = 'pending' AND next_at <= $3 AND (claimed_until IS NULL OR claimed_until <= $3)
					ORDER BY next_at, queued, id LIMIT $4 FOR UPDATE SKIP LOCKED)
				RETURNING id, webhook_id, event, body, attempts, next_at, queued`,
				[me, now + leaseMs, now, limit]
			);
			rows.sort((a, b) => Number(a.next_at) - Number(b.next_at) || Number(a.queued) - Number(b.queued) || (a.id < b.id ? -1 : 1));
			return rows.map((r) => ({ id: r.id, webhookId: r.webhook_id, event: r.event, body: r.body, attempts: r.attempts, nextAt: Number(r.next_at) }));
		},
		// Other instances keep running: their backoffs stand, and what a dead instance claimed lapses on its own.
		resumePending: async () => {},
		async releaseClaims(inflight: ReadonlySet<string>): Promise<void> {
			await runOrUnavailable('releasing webhook claims', () =>
				inTransaction(pool, async (tx) => {
					const r = await tx.query(
						`UPDATE tandem_webhook_outbox SET claimed_by = NULL, claimed_until = NULL
						WHERE claimed_by = $1 AND state = 'pending' AND NOT (id = ANY($2::text[]))`,
						[me, [...inflight]]
					);
					if ((r.rowCount ?? 0) > 0) await notify(tx);
				})
			);
		},
		async nextDue(): Promise<number | null> {
			const [r] = (
				await run<{ at: string | null }>(
					'reading the webhook outbox',
					`SELECT MIN(GREATEST(next_at, COALESCE(claimed_until, 0))) AS at FROM tandem_webhook_outbox WHERE state = 'pending'`
				)
			).rows;
			return r.at === null ? null : Number(r.at);
		},
		async finish(id: string, state: 'delivered' | 'failed', error: string | null, at: number): Promise<void> {
			await run(
				'finishing a webhook delivery',
				`UPDATE tandem_webhook_outbox SET state = $2, attempts = attempts + 1, last_error = $3, done_at = $4,
				claimed_by = NULL, claimed_until = NULL WHERE id = $1`,
				[id, state, error, at]
			);
		},
		async retryAt(id: string, at: number, error: string): Promise<void> {
			await run(
				'rescheduling a webhook delivery',
				`UPDATE tandem_webhook_outbox SET attempts = attempts + 1, next_at = $2, last_error = $3,
				claimed_by = NULL, claimed_until = NULL WHERE id = $1`,
				[id, at, error]
			);
		},
		async deliveryState(id: string): Promise<DeliveryStatus | null> {
			const [r] = (await run<DeliveryStatus>('reading a webhook delivery', 'SELECT state, attempts, last_error FROM tandem_webhook_outbox WHERE id = $1', [id])).rows;
			return r ?? null;
		},
		onWake(fn: () => void): () => void {
			wakers.add(fn);
			return () => void wakers.delete(fn);
		},
		async close(): Promise<void> {
			await listening.close();
			await pool.end();
		}
	};
}
