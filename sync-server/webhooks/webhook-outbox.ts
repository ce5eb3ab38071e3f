// The webhook outbox at work: watches the `registry` document (changes made over the API and by clients over the
// relay alike), queues the events a change fires once it is durable, and delivers queued rows at least once: due rows
// are sent by up to maxWorkers at a time, retried with exponential backoff on 429, 5xx and network errors, and marked
// delivered or failed in the database. Rows left pending by a crash are picked up when the server starts again.
// On a store shared by several instances, each claims the rows it sends (a dead instance's claims lapse after
// claimMs), and the registry is recorded with its snapshot so that only a view covering the last one recorded counts.
import * as Y from 'yjs';
import { docNames } from '../../src/lib/core/schema';
import { readRegisteredModels } from '../../src/lib/core/docs/registry';
import { diffRegistry } from '../../src/lib/core/webhooks/webhook-events';
import type { Relay } from '../relay/relay-api';
import type { Delivery, WebhookStore } from './webhook-store';
import { isRetryable, readRetryDelay, sendWebhook, type WebhookSettings } from './webhook-delivery';

export interface WebhookOutboxOptions {
	store: WebhookStore;
	relay: Pick<Relay, 'open' | 'on'>;
	/** Resolves once every document update so far is durable (the doc store's flush). */
	flush: () => Promise<void>;
	settings: WebhookSettings;
	log: (msg: string) => void;
}

export function startWebhookOutbox(opts: WebhookOutboxOptions) {
	const { store, settings, log } = opts;
	const inflight = new Set<string>();
	let timer: ReturnType<typeof setTimeout> | null = null;
	let closed = false;
	const leaseMs = settings.claimMs ?? settings.timeoutMs + 10_000;

	async function deliver(d: Delivery): Promise<void> {
		const hook = await store.get(d.webhookId);
		const now = () => Date.now();
		if (!hook || hook.status !== 'ACTIVE') return store.finish(d.id, 'failed', hook ? 'webhook disabled' : 'webhook deleted', now());
		if (hook.secretError) {
			log(`webhook ${hook.name}: delivery ${d.id} not sent: ${hook.secretError}`);
			return store.finish(d.id, 'failed', hook.secretError, now());
		}
		const result = await sendWebhook(hook, d.id, d.body, settings);
		if (closed) return; // a closing server leaves the row pending: it is sent again after the restart
		if (result.kind === 'response' && result.status < 400) return store.finish(d.id, 'delivered', null, now());
		const error = result.kind === 'response' ? `HTTP ${result.status}` : result.error;
		if (isRetryable(result) && d.attempts < settings.maxRetries) {
			const delay = readRetryDelay(d.attempts + 1, settings, result.kind === 'response' ? result.retryAfterMs : null);
			return store.retryAt(d.id, now() + delay, error);
		}
		log(`webhook ${hook.name}: delivery ${d.id} (${d.event}) failed after ${d.attempts + 1} attempts: ${error}`);
		return store.finish(d.id, 'failed', error, now());
	}

	function start(d: Delivery): void {
		inflight.add(d.id);
		void deliver(d)
			.catch(async (e: Error) => {
				// Never retried in a loop: an unexpected failure ends the delivery (and is logged).
				log(`webhook delivery ${d.id}: ${e.message}`);
				if (!closed) await store.finish(d.id, 'failed', e.message, Date.now());
			})
			.catch((e: Error) => log(`webhook delivery ${d.id}: marking it failed failed too: ${e.message}`))
			.finally(() => {
				inflight.delete(d.id);
				pump();
			});
	}

	async function pumpOnce(): Promise<void> {
		if (timer) clearTimeout(timer);
		timer = null;
		const free = settings.maxWorkers - inflight.size;
		if (free > 0) for (const d of await store.claimDue(Date.now(), free, leaseMs, inflight)) if (!closed && !inflight.has(d.id)) start(d);
		if (closed) return;
		const next = await store.nextDue();
		if (next !== null && inflight.size < settings.maxWorkers && !closed) {
			if (timer) clearTimeout(timer);
			timer = setTimeout(pump, Math.max(0, next - Date.now()) + 1);
			timer.unref?.();
		}
	}
	// One pass at a time; a call during a pass runs one more after it.
	let pumping = false;
	let again = false;
	function pump(): void {
		if (closed) return;
		if (pumping) {
			again = true;
			return;
		}
		pumping = true;
		void pumpOnce()
			.catch((e: Error) => log(`webhooks: reading the outbox failed: ${e.message}`))
			.finally(() => {
				pumping = false;
				if (again) {
					again = false;
					pump();
				}
			});
	}

	// Watching the registry: changes are coalesced, read, made durable, then diffed against the rows seen.
	let dirty = false;
	let running: Promise<void> | null = null;
	async function reconcile(): Promise<void> {
		while (dirty && !closed) {
			dirty = false;
			const handle = await opts.relay.open(docNames.registry);
			let models;
			let snapshot: Uint8Array | undefined;
			try {
				models = readRegisteredModels(handle.doc);
				if (store.shared) snapshot = Y.encodeSnapshot(Y.snapshot(handle.doc));
			} finally {
				handle.release();
			}
			await opts.flush(); // what was read is durable now: its events may be queued
			if (closed) return;
			const queued = await store.recordRegistry({ diff: (seen) => diffRegistry(seen, models), snapshot }, Date.now());
			if (queued > 0) pump();
		}
	}
	const schedule = () => {
		dirty = true;
		running ??= reconcile()
			.catch((e: Error) => log(`webhooks: reading the registry failed: ${e.message}`))
			.finally(() => {
				running = null;
				if (dirty && !closed) schedule();
			});
	};
	const off = opts.relay.on('room-loaded', (name, doc) => {
		if (name !== docNames.registry) return;
		(doc as Y.Doc).on('update', schedule);
		schedule();
	});
	schedule();
	const offWake = store.onWake(pump);
	void store
		.resumePending(Date.now())
		.catch((e: Error) => log(`webhooks: resuming pending deliveries failed: ${e.message}`))
		.finally(pump);

	return {
		/** Sends what is due now (after a webhook changed). */
		kick: pump,
		/** Resolves once the registry changes so far are queued (tests, and the server's close). */
		settled: async () => {
			while (running) await running;
		},
		async close() {
			await this.settled();
			closed = true;
			off();
			offWake();
			if (timer) clearTimeout(timer);
			// Another instance may send what this one claimed but is not sending (what is in flight stays claimed).
			await store.releaseClaims(inflight).catch((e: Error) => log(`webhooks: releasing claims failed: ${e.message}`));
		}
	};
}

export type WebhookOutbox = ReturnType<typeof startWebhookOutbox>;
