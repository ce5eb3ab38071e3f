// The webhook database (`webhooks.db` in the data directory, SQLite in WAL mode): the webhooks
// themselves, the durable outbox of deliveries (one row per event and webhook, with its stable delivery id, attempts
// and next attempt time), and the registry rows already seen (webhook-events.ts), updated in the same transaction
// that queues their events, so a change's events are queued exactly once. Secrets are sealed (webhook-secret.ts).
// The WebhookStore interface is also implemented on PostgreSQL (pg-webhook-store.ts), shared by several instances.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { WebhookRecord, WebhookStatus } from '../../src/lib/core/webhooks/webhook-request';
import type { FiredEvent, RegistryDiff, SeenRows } from '../../src/lib/core/webhooks/webhook-events';
import { createSecretCipher, type SecretCipher } from './webhook-secret';

export interface Delivery {
	id: string;
	webhookId: string;
	event: string;
	/** The JSON payload, fixed when queued: a redelivery sends the same bytes under the same id. */
	body: string;
	attempts: number;
	/** ms since epoch */
	nextAt: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookRow {
	id: string;
	name: string;
	description: string | null;
	url: string;
	events: string;
	status: string;
	secret: string | null;
	created: number | string;
	updated: number | string;
}

/** A stored webhook; `secretError` says why its secret could not be read (a key missing or changed). */
export type StoredWebhook = WebhookRecord & { secretError?: string };

/** The registry as one reconcile read it. */
export interface RegistryView {
	/** The events and row changes that take `seen` to the registry as read. */
	diff(seen: SeenRows): RegistryDiff;
	/** Y.encodeSnapshot of the registry document as read (only asked of a shared store). */
	snapshot?: Uint8Array;
}

export type DeliveryStatus = { state: DeliveryState; attempts: number; last_error: string | null };

export interface WebhookStore {
	/** Several instances use this store at once (they then claim deliveries and send the registry's snapshot). */
	readonly shared: boolean;
	create(w: Omit<WebhookRecord, 'id'>): Promise<WebhookRecord>;
	get(id: string): Promise<StoredWebhook | null>;
	list(limit: number, offset: number): Promise<WebhookRecord[]>;
	update(w: WebhookRecord): Promise<void>;
	delete(id: string, at: number): Promise<boolean>;
	/** In one transaction: diffs the registry against the rows seen, applies the changes and queues each event for
	 * every active webhook subscribed to it; a new database takes the registry as it is, firing nothing. Returns how
	 * many deliveries were queued. */
	recordRegistry(view: RegistryView, at: number): Promise<number>;
	/** Up to `limit` due deliveries, now this instance's to send (those in `inflight` are being sent already). */
	claimDue(now: number, limit: number, leaseMs: number, inflight: ReadonlySet<string>): Promise<Delivery[]>;
	/** Makes every pending delivery due at `now` (a restarted server retries what it left pending at once). */
	resumePending(now: number): Promise<void>;
	/** Gives up this instance's claims on deliveries it is not sending (a closing instance). */
	releaseClaims(inflight: ReadonlySet<string>): Promise<void>;
	/** The earliest time a pending delivery may be sent, or null. */
	nextDue(): Promise<number | null>;
	finish(id: string, state: 'delivered' | 'failed', error: string | null, at: number): Promise<void>;
	retryAt(id: string, at: number, error: string): Promise<void>;
	deliveryState(id: string): Promise<DeliveryStatus | null>;
	/** `fn` runs when another instance queued deliveries or gave up claims. */
	onWake(fn: () => void): () => void;
	close(): Promise<void>;
}

/** A webhooks row as a record, its secret opened (or why not). */
export function readWebhookRow(r: WebhookRow, cipher: SecretCipher): StoredWebhook {
	const record: StoredWebhook = {
		id: r.id,
		name: r.name,
		description: r.description,
		url: r.url,
		events: JSON.parse(r.events) as string[],
		status: r.status as WebhookStatus,
		secret: null,
		creationTimestamp: Number(r.created),
		lastUpdatedTimestamp: Number(r.updated)
	};
	try {
		record.secret = cipher.open(r.secret);
	} catch (e) {
		record.secretError = (e as Error).message;
	}
	return record;
}

/** The body of one event's deliveries, fixed when queued. */
export function eventBody(e: FiredEvent, at: number): string {
	const [entity, action] = e.event.split('.');
	return JSON.stringify({ entity, action, timestamp: new Date(at).toISOString(), data: e.data });
}

export function openWebhookStore(file: string, cipher: SecretCipher = createSecretCipher(undefined)): WebhookStore {
	const toRecord = (r: WebhookRow) => readWebhookRow(r, cipher);
	mkdirSync(path.dirname(file), { recursive: true });
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	// NORMAL survives kill -9 (WAL); a power loss may drop the last commits, which only repeats work: the seen rows
	// are diffed again from the durable registry (events re-queued) and an unmarked delivery is sent again.
	db.pragma('synchronous = NORMAL');
	db.exec(`
		CREATE TABLE IF NOT EXISTS webhooks (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, url TEXT NOT NULL,
			events TEXT NOT NULL, status TEXT NOT NULL, secret TEXT, created INTEGER NOT NULL, updated INTEGER NOT NULL, deleted INTEGER);
		CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL,
			queued INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
			last_error TEXT, done_at INTEGER);
		CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_at);
		CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, value TEXT NOT NULL);
		CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	`);
	const q = {
		insert: db.prepare('INSERT INTO webhooks (id, name, description, url, events, status, secret, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
		get: db.prepare<[string], WebhookRow>('SELECT * FROM webhooks WHERE id = ? AND deleted IS NULL'),
		list: db.prepare<[number, number], WebhookRow>('SELECT * FROM webhooks WHERE deleted IS NULL ORDER BY created DESC, id LIMIT ? OFFSET ?'),
		active: db.prepare<[], WebhookRow>("SELECT * FROM webhooks WHERE deleted IS NULL AND status = 'ACTIVE'"),
		update: db.prepare('UPDATE webhooks SET name = ?, description = ?, url = ?, events = ?, status = ?, secret = ?, updated = ? WHERE id = ?'),
		delete: db.prepare('UPDATE webhooks SET deleted = ?, updated = ? WHERE id = ? AND deleted IS NULL'),
		queue: db.prepare('INSERT INTO outbox (id, webhook_id, event, body, queued, next_at) VALUES (?, ?, ?, ?, ?, ?)'),
		due: db.prepare<[number, number], { id: string; webhook_id: string; event: string; body: string; attempts: number; next_at: number }>(
			"SELECT id, webhook_id, event, body, attempts, next_at FROM outbox WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, queued, id LIMIT ?"
		),
		resume: db.prepare("UPDATE outbox SET next_at = ? WHERE state = 'pending' AND next_at > ?"),
		nextAt: db.prepare<[], { at: number | null }>("SELECT MIN(next_at) AS at FROM outbox WHERE state = 'pending'"),
		finish: db.prepare('UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?, done_at = ? WHERE id = ?'),
		retry: db.prepare('UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?'),
		state: db.prepare<[string], { state: DeliveryState; attempts: number; last_error: string | null }>('SELECT state, attempts, last_error FROM outbox WHERE id = ?'),
		seen: db.prepare<[], { key: string; value: string }>('SELECT key, value FROM seen'),
		setSeen: db.prepare('INSERT INTO seen (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
		unsee: db.prepare('DELETE FROM seen WHERE key = ?'),
		getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
		setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
	};

	const record = db.transaction((seenChanges: [string, string | null][], events: FiredEvent[], at: number, seed: boolean) => {
		for (const [k, v] of seenChanges) {
			if (v === null) q.unsee.run(k);
			else q.setSeen.run(k, v);
		}
		if (seed) q.setMeta.run('seeded', String(at));
		if (events.length === 0) return 0;
		const hooks = q.active.all().map(toRecord);
		let queued = 0;
		for (const e of events) {
			const body = eventBody(e, at);
			for (const h of hooks) {
				if (!h.events.includes(e.event)) continue;
				q.queue.run(randomUUID(), h.id, e.event, body, at, at);
				queued++;
			}
		}
		return queued;
	});
	// This process is the database's only writer of seen rows: they are read once and kept up to date here.
	let seen: Map<string, string> | null = null;
	let seeded = false;
	/** Runs `fn` now; its result or error settles the promise. */
	const now = <T>(fn: () => T): Promise<T> => {
		try {
			return Promise.resolve(fn());
		} catch (e) {
			return Promise.reject(e);
		}
	};

	return {
		shared: false,
		create: (w: Omit<WebhookRecord, 'id'>) =>
			now((): WebhookRecord => {
				const id = randomUUID();
				q.insert.run(id, w.name, w.description, w.url, JSON.stringify(w.events), w.status, cipher.seal(w.secret), w.creationTimestamp, w.lastUpdatedTimestamp);
				return { ...w, id };
			}),
		get: (id: string) =>
			now((): StoredWebhook | null => {
				const row = q.get.get(id);
				return row ? toRecord(row) : null;
			}),
		list: (limit: number, offset: number) => now((): WebhookRecord[] => q.list.all(limit, offset).map(toRecord)),
		update: (w: WebhookRecord) =>
			now(() => void q.update.run(w.name, w.description, w.url, JSON.stringify(w.events), w.status, cipher.seal(w.secret), w.lastUpdatedTimestamp, w.id)),
		delete: (id: string, at: number) => now(() => q.delete.run(at, at, id).changes > 0),
		recordRegistry: (view: RegistryView, at: number) =>
			now(() => {
				if (seen === null) {
					seen = new Map(q.seen.all().map((r) => [r.key, r.value]));
					seeded = q.getMeta.get('seeded') !== undefined;
				}
				const diff = view.diff(seen);
				if (diff.changes.length === 0 && seeded) return 0;
				const queued = record(diff.changes, seeded ? diff.events : [], at, !seeded);
				seeded = true;
				for (const [k, v] of diff.changes) {
					if (v === null) seen.delete(k);
					else seen.set(k, v);
				}
				return queued;
			}),
		claimDue: (at: number, limit: number, _leaseMs: number, inflight: ReadonlySet<string>) =>
			now(() =>
				q.due
					.all(at, limit + inflight.size)
					.filter((r) => !inflight.has(r.id))
					.slice(0, limit)
					.map((r): Delivery => ({ id: r.id, webhookId: r.webhook_id, event: r.event, body: r.body, attempts: r.attempts, nextAt: r.next_at }))
			),
		resumePending: (at: number) => now(() => void q.resume.run(at, at)),
		releaseClaims: async () => {}, // one process: nothing is claimed
		nextDue: () => now(() => q.nextAt.get()?.at ?? null),
		finish: (id: string, state: 'delivered' | 'failed', error: string | null, at: number) => now(() => void q.finish.run(state, error, at, id)),
		retryAt: (id: string, at: number, error: string) => now(() => void q.retry.run(at, error, id)),
		deliveryState: (id: string) => now(() => q.state.get(id) ?? null),
		onWake: () => () => {},
		close: async () => void db.close()
	};
}
