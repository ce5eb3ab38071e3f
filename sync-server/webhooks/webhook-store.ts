// The webhook database (`webhooks.db` in the data directory, SQLite in WAL mode): the webhooks
// themselves, the durable outbox of deliveries (one row per event and webhook, with its stable delivery id, attempts
// and next attempt time), and the registry rows already seen (webhook-events.ts), updated in the same transaction
// that queues their events, so a change's events are queued exactly once. Secrets are sealed (webhook-secret.ts).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { WebhookRecord, WebhookStatus } from '../../src/lib/core/webhooks/webhook-request';
import type { FiredEvent } from '../../src/lib/core/webhooks/webhook-events';
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

interface WebhookRow {
	id: string;
	name: string;
	description: string | null;
	url: string;
	events: string;
	status: string;
	secret: string | null;
	created: number;
	updated: number;
}

/** A stored webhook; `secretError` says why its secret could not be read (a key missing or changed). */
export type StoredWebhook = WebhookRecord & { secretError?: string };

export function openWebhookStore(file: string, cipher: SecretCipher = createSecretCipher(undefined)) {
	const toRecord = (r: WebhookRow): StoredWebhook => {
		const record: StoredWebhook = {
			id: r.id,
			name: r.name,
			description: r.description,
			url: r.url,
			events: JSON.parse(r.events) as string[],
			status: r.status as WebhookStatus,
			secret: null,
			creationTimestamp: r.created,
			lastUpdatedTimestamp: r.updated
		};
		try {
			record.secret = cipher.open(r.secret);
		} catch (e) {
			record.secretError = (e as Error).message;
		}
		return record;
	};
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
			const [entity, action] = e.event.split('.');
			const body = JSON.stringify({ entity, action, timestamp: new Date(at).toISOString(), data: e.data });
			for (const h of hooks) {
				if (!h.events.includes(e.event)) continue;
				q.queue.run(randomUUID(), h.id, e.event, body, at, at);
				queued++;
			}
		}
		return queued;
	});

	return {
		create(w: Omit<WebhookRecord, 'id'>): WebhookRecord {
			const id = randomUUID();
			q.insert.run(id, w.name, w.description, w.url, JSON.stringify(w.events), w.status, cipher.seal(w.secret), w.creationTimestamp, w.lastUpdatedTimestamp);
			return { ...w, id };
		},
		get: (id: string): StoredWebhook | null => {
			const row = q.get.get(id);
			return row ? toRecord(row) : null;
		},
		list: (limit: number, offset: number): WebhookRecord[] => q.list.all(limit, offset).map(toRecord),
		update(w: WebhookRecord): void {
			q.update.run(w.name, w.description, w.url, JSON.stringify(w.events), w.status, cipher.seal(w.secret), w.lastUpdatedTimestamp, w.id);
		},
		delete: (id: string, at: number): boolean => q.delete.run(at, at, id).changes > 0,

		/** Whether the seen rows were ever initialised (a new database takes the registry as it is, firing nothing). */
		isSeeded: () => q.getMeta.get('seeded') !== undefined,
		readSeen: (): Map<string, string> => new Map(q.seen.all().map((r) => [r.key, r.value])),
		/** In one transaction: applies the seen-row changes and queues each event for every active webhook subscribed to it. */
		record: (changes: [string, string | null][], events: FiredEvent[], at: number, seed = false): number => record(changes, events, at, seed),

		due(now: number, limit: number): Delivery[] {
			return q.due.all(now, limit).map((r) => ({ id: r.id, webhookId: r.webhook_id, event: r.event, body: r.body, attempts: r.attempts, nextAt: r.next_at }));
		},
		/** Makes every pending delivery due at `now` (a restarted server retries what it left pending at once). */
		resumePending: (now: number) => void q.resume.run(now, now),
		/** The earliest pending attempt time, or null. */
		nextDue: (): number | null => q.nextAt.get()?.at ?? null,
		finish: (id: string, state: 'delivered' | 'failed', error: string | null, at: number) => void q.finish.run(state, error, at, id),
		retryAt: (id: string, at: number, error: string) => void q.retry.run(at, error, id),
		deliveryState: (id: string) => q.state.get(id) ?? null,
		close: () => db.close()
	};
}

export type WebhookStore = ReturnType<typeof openWebhookStore>;
