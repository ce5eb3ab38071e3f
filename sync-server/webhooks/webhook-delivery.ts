// Sends webhook requests as MLflow does (mlflow/webhooks/delivery.py): a JSON POST with X-MLflow-Delivery-Id,
// X-MLflow-Timestamp (unix seconds) and, with a secret, X-MLflow-Signature `v1,<base64 HMAC-SHA256 of
// "<delivery id>.<timestamp>.<body>">`. The URL is checked again at send time, and the address the host resolves to
// is checked in the socket's own lookup, so the connection goes to the very address judged public (no DNS rebinding).
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import { createHmac } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { checkWebhookUrl, isPublicAddress, type WebhookUrlSettings } from '../../src/lib/core/webhooks/webhook-url';

export interface WebhookSettings extends WebhookUrlSettings {
	/** MLFLOW_WEBHOOK_REQUEST_TIMEOUT, in ms (MLflow: 30 s). */
	timeoutMs: number;
	/** MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES (MLflow: 3): attempts after the first, on 429, 5xx and network errors. */
	maxRetries: number;
	/** MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS (MLflow: 10): deliveries in flight at once. */
	maxWorkers: number;
	/** The first retry's delay, doubled after each (MLflow's backoff factor: 1 s); capped at 60 s. */
	backoffMs: number;
	backoffMaxMs: number;
	/** How long an instance sharing the outbox holds a delivery it claimed (TANDEM_WEBHOOK_CLAIM_MS; default: the
	 * request timeout + 10 s): a claim left by an instance that died is taken up again once it lapses. */
	claimMs?: number;
}

/** MLflow's settings from its environment (and TANDEM_WEBHOOK_BACKOFF_MS for the first retry's delay). */
export function readWebhookSettings(env: Readonly<Record<string, string | undefined>>, url: WebhookUrlSettings): WebhookSettings {
	const int = (name: string, fallback: number, min = 0) => {
		const v = Number(env[name]);
		return env[name] !== undefined && Number.isFinite(v) && v >= min ? Math.floor(v) : fallback;
	};
	return {
		...url,
		timeoutMs: int('MLFLOW_WEBHOOK_REQUEST_TIMEOUT', 30, 1) * 1000,
		maxRetries: int('MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES', 3),
		maxWorkers: int('MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS', 10, 1),
		backoffMs: int('TANDEM_WEBHOOK_BACKOFF_MS', 1000, 1),
		backoffMaxMs: 60_000,
		...(env.TANDEM_WEBHOOK_CLAIM_MS !== undefined ? { claimMs: int('TANDEM_WEBHOOK_CLAIM_MS', 0, 100) || undefined } : {})
	};
}

/** MLflow's signature of one delivery. */
export function signWebhook(secret: string, deliveryId: string, timestamp: string, body: string): string {
	return `v1,${createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${body}`).digest('base64')}`;
}

export type SendResult =
	| { kind: 'response'; status: number; body: string; retryAfterMs: number | null }
	/** Network failure or timeout: worth a retry. */
	| { kind: 'network'; error: string }
	/** Refused by the safety rules: never retried. */
	| { kind: 'refused'; error: string };

/** A lookup that resolves every address of the host and refuses unless all are public (or private IPs are allowed). */
function guardedLookup(allowPrivate: boolean): LookupFunction {
	return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
		dns.lookup(hostname, { all: true, family: options.family as number | undefined }, (err, addresses) => {
			if (err) return callback(err);
			const list = addresses as dns.LookupAddress[];
			const bad = allowPrivate ? undefined : list.find((a) => !isPublicAddress(a.address));
			if (bad) return callback(Object.assign(new Error(`Webhook connection blocked: ${bad.address} is not a public IP address.`), { code: 'EWEBHOOKBLOCKED' }));
			if (list.length === 0) return callback(Object.assign(new Error(`Cannot resolve ${hostname}`), { code: 'ENOTFOUND' }));
			if (options.all) callback(null, list);
			else callback(null, list[0].address, list[0].family);
		});
	}) as LookupFunction;
}

/** Resolves a host name and checks its addresses (create and update: MLflow refuses a URL that resolves privately). */
export async function checkResolvedHost(hostname: string, s: WebhookUrlSettings): Promise<string | null> {
	if (s.allowPrivateIps) return null;
	try {
		const list = await dns.promises.lookup(hostname, { all: true });
		const bad = list.find((a) => !isPublicAddress(a.address));
		return bad ? `Webhook URL must not resolve to a non-public IP address. '${hostname}' resolves to ${bad.address}.` : null;
	} catch (e) {
		return `Cannot resolve Webhook URL hostname '${hostname}': ${(e as Error).message}`;
	}
}

const MAX_RESPONSE_BODY = 64 * 1024;

/** Parses Retry-After (seconds or an HTTP date) into ms from now, or null. */
function readRetryAfter(v: string | undefined, now: number): number | null {
	if (!v) return null;
	if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
	const at = Date.parse(v);
	return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** POSTs one delivery (`body` as is) and reads the answer. */
export function sendWebhook(target: { url: string; secret: string | null }, deliveryId: string, body: string, s: WebhookSettings): Promise<SendResult> {
	const checked = checkWebhookUrl(target.url, s);
	if (!checked.ok) return Promise.resolve({ kind: 'refused', error: checked.error });
	const timestamp = String(Math.floor(Date.now() / 1000));
	const headers: Record<string, string | number> = {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(body),
		'user-agent': 'tandem-webhooks',
		'x-mlflow-delivery-id': deliveryId,
		'x-mlflow-timestamp': timestamp
	};
	if (target.secret) headers['x-mlflow-signature'] = signWebhook(target.secret, deliveryId, timestamp, body);
	const lib = checked.url.protocol === 'https:' ? https : http;
	return new Promise((resolve) => {
		const req = lib.request(checked.url, { method: 'POST', headers, lookup: guardedLookup(s.allowPrivateIps), timeout: s.timeoutMs, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			let size = 0;
			res.on('data', (c: Buffer) => {
				if (size < MAX_RESPONSE_BODY) chunks.push(c);
				size += c.length;
			});
			res.on('end', () =>
				resolve({ kind: 'response', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BODY), retryAfterMs: readRetryAfter(res.headers['retry-after'], Date.now()) })
			);
			res.on('error', (e) => resolve({ kind: 'network', error: e.message }));
		});
		req.on('timeout', () => req.destroy(new Error(`no answer within ${s.timeoutMs} ms`)));
		req.on('error', (e: Error & { code?: string }) => resolve(e.code === 'EWEBHOOKBLOCKED' ? { kind: 'refused', error: e.message } : { kind: 'network', error: e.message }));
		req.end(body);
	});
}

/** Whether an answer is worth retrying (MLflow's status_forcelist). */
export const isRetryable = (r: SendResult) => r.kind === 'network' || (r.kind === 'response' && (r.status === 429 || r.status >= 500));

/** The delay before retry number `attempt` (1-based): backoff × 2^(attempt-1), capped, or Retry-After when longer. */
export function readRetryDelay(attempt: number, s: Pick<WebhookSettings, 'backoffMs' | 'backoffMaxMs'>, retryAfterMs: number | null): number {
	const exp = Math.min(s.backoffMaxMs, s.backoffMs * 2 ** (attempt - 1));
	return retryAfterMs === null ? exp : Math.min(s.backoffMaxMs, Math.max(exp, retryAfterMs));
}
