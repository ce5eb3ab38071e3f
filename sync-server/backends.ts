// Opens the backends a server (or `tandem migrate`) was asked for — PostgreSQL for documents, users, tokens, grants
// and webhooks, S3 for blobs, Redis for fan-out — retrying each for a bounded time at startup, and closes them in
// order. Each driver is imported only when its URL is given: the embedded default loads none of them.
import type { BackendUrls } from '../src/lib/core/backend-urls';
import type { DocStore } from './store/doc-store';
import type { BlobStore } from './blobs/blob-store';
import type { Fanout } from './fanout/fanout';
import type { AuthStore } from './auth/auth-store';
import type { WebhookStore } from './webhooks/webhook-store';
import { createSecretCipher } from './webhooks/webhook-secret';

/** How long startup keeps trying to reach a backend before giving up (ms). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

export interface BackendOptions {
	urls: BackendUrls;
	/** Give up on a backend that cannot be reached after this many ms (default 30 s). */
	connectTimeoutMs?: number;
	log?: (msg: string) => void;
	/** With a PostgreSQL store, also open users/tokens/grants and webhooks there (default true). */
	withAccessStores?: boolean;
}

/** What `startServer` is given: only the parts that were asked for (an empty object for the embedded default). */
export interface BackendParts {
	store?: DocStore;
	blobs?: BlobStore;
	fanout?: Fanout;
	authStore?: AuthStore;
	webhookStore?: WebhookStore;
}

export interface Backends {
	parts: BackendParts;
	/** One line for the startup log: each backend's URL with its password masked, `embedded` for what is not given. */
	summary: string;
	/** Closes in order: fanout (stop receiving), document store (flushes), webhooks, auth, blobs. */
	close(): Promise<void>;
}

/** A backend could not be reached within the startup deadline (the CLI exits non-zero with this message). */
export class BackendUnavailableError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BackendUnavailableError';
	}
}

/** `message` with every occurrence of the URL's password (raw and decoded) replaced by `***`. */
export function scrubPassword(message: string, url: string): string {
	let password = '';
	try {
		password = new URL(url).password;
	} catch {
		return message;
	}
	if (!password) return message;
	let decoded = password;
	try {
		decoded = decodeURIComponent(password);
	} catch {
		/* keep it raw */
	}
	return message.split(password).join('***').split(decoded).join('***');
}

const UNAVAILABLE_NAMES = new Set(['StoreUnavailableError', 'BlobStoreUnavailableError', 'FanoutUnavailableError']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', '57P03', '53300']);

/**
 * True if `e` (or an error in its `cause` chain) says the backend could not be reached or is starting up — worth
 * another try. A wrong password, a missing bucket or database is not: retrying would only delay the message.
 */
export function isRetriable(e: unknown): boolean {
	for (let err = e, depth = 0; err && typeof err === 'object' && depth < 5; err = (err as { cause?: unknown }).cause, depth++) {
		const { name, code, constructor } = err as { name?: string; code?: unknown; constructor?: { name?: string } };
		if (UNAVAILABLE_NAMES.has(name ?? '') || UNAVAILABLE_NAMES.has(constructor?.name ?? '')) return true;
		if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
		const errors = (err as { errors?: unknown }).errors; // AggregateError: one per address tried
		if (Array.isArray(errors) && errors.some(isRetriable)) return true;
	}
	return false;
}

/**
 * Calls `open` until it succeeds or `timeoutMs` has passed since the first try (errors that are not `isRetriable`
 * fail at once), waiting 250 ms doubling to 2 s
 * between tries. The final error names the backend, its masked URL and the last cause.
 */
export async function openWithRetry<T>(
	what: string,
	url: { url: string; display: string },
	open: () => Promise<T>,
	timeoutMs: number,
	log: (msg: string) => void
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let delay = 250;
	for (let attempt = 1; ; attempt++) {
		try {
			return await open();
		} catch (e) {
			const cause = scrubPassword(e instanceof Error ? e.message || e.name : String(e), url.url);
			if (!isRetriable(e)) throw new BackendUnavailableError(`cannot open ${what} at ${url.display}: ${cause}`);
			const left = deadline - Date.now();
			if (left <= 0) {
				throw new BackendUnavailableError(
					`cannot reach ${what} at ${url.display} (gave up after ${Math.round(timeoutMs / 1000)} s, ${attempt} attempt${attempt === 1 ? '' : 's'}): ${cause}`
				);
			}
			if (attempt === 1) log(`${what} at ${url.display} is not reachable yet (${cause}); retrying for up to ${Math.round(timeoutMs / 1000)} s`);
			await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
			delay = Math.min(delay * 2, 2_000);
		}
	}
}

export function describeBackends(urls: BackendUrls): string {
	return [
		`store ${urls.store ? urls.store.display : 'embedded (SQLite)'}`,
		`blobs ${urls.blobs ? urls.blobs.display : 'embedded (files)'}`,
		`fanout ${urls.fanout ? urls.fanout.display : 'none (one instance)'}`
	].join(', ');
}

export async function openBackends(opts: BackendOptions): Promise<Backends> {
	const { urls } = opts;
	const log = opts.log ?? (() => {});
	const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
	const parts: BackendParts = {};
	const closers: Array<() => Promise<void> | void> = [];
	const close = async () => {
		// Reverse of opening order, so the fanout (opened last) stops first and the store flushes before it closes.
		for (const c of closers.reverse()) {
			try {
				await c();
			} catch (e) {
				log(`closing a backend failed: ${(e as Error).message}`);
			}
		}
	};
	try {
		if (urls.blobs) {
			const s3 = urls.blobs;
			const { createS3BlobStore } = await import('./blobs/s3-blob-store');
			const blobs = await openWithRetry('S3', s3, () => createS3BlobStore({ url: s3.url, log }), timeoutMs, log);
			parts.blobs = blobs;
			closers.push(() => (blobs as BlobStore & { close?: () => Promise<void> }).close?.());
		}
		if (urls.store) {
			const pg = urls.store;
			const { openPgAuthStore } = await import('./auth/pg-auth-store');
			if (opts.withAccessStores !== false) {
				const auth = await openWithRetry('PostgreSQL', pg, () => openPgAuthStore(pg.url), timeoutMs, log);
				parts.authStore = auth;
				closers.push(() => auth.close());
				const { openPgWebhookStore } = await import('./webhooks/pg-webhook-store');
				const cipher = createSecretCipher(process.env.MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY);
				const webhooks = await openWithRetry('PostgreSQL', pg, () => openPgWebhookStore(pg.url, cipher), timeoutMs, log);
				parts.webhookStore = webhooks;
				closers.push(() => webhooks.close());
			}
			const { createPgStore } = await import('./store/pg-store');
			const store = await openWithRetry('PostgreSQL', pg, () => createPgStore({ url: pg.url, log }), timeoutMs, log);
			parts.store = store;
			closers.push(() => store.close());
		}
		if (urls.fanout) {
			const redis = urls.fanout;
			const { createRedisFanout } = await import('./fanout/redis-fanout');
			const fanout = await openWithRetry('Redis', redis, () => createRedisFanout({ url: redis.url, log }), timeoutMs, log);
			parts.fanout = fanout;
			closers.push(() => fanout.close());
		}
	} catch (e) {
		await close();
		throw e;
	}
	let closing: Promise<void> | undefined;
	return { parts, summary: describeBackends(urls), close: () => (closing ??= close()) };
}
