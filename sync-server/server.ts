// Composes Tandem's one process on one port: the durable store, the relay (/sync/<doc>), the native API (/api/),
// the MLflow-compatible API, health checks and the built SPA. `startServer` is what the CLI and tests call.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { docNames, isServerOnlyDoc, isValidDocName } from '../src/lib/core/schema';
import { ApiError } from '../src/lib/core/errors';
import { createSqliteStore } from './store/sqlite-store';
import type { DocStore } from './store/doc-store';
import type { Fanout } from './fanout/fanout';
import { createRelay } from './relay/relay';
import { createExperimentService } from './tracking/experiments';
import { createRunService } from './tracking/runs';
import { createLoggedModelService } from './tracking/logged-models';
import { createRouter, DEFAULT_BODY_IDLE_MS, sendError, sendJson, watchBodyIdle } from './http/router';
import { addNativeApi } from './http/native-api';
import { createRegistryService } from './tracking/registry';
import { addMlflowRegistryApi } from './mlflow/registry-api';
import { addMlflowTrackingApi } from './mlflow/tracking-api';
import { createFsBlobStore } from './blobs/fs-blob-store';
import type { BlobStore } from './blobs/blob-store';
import { addArtifactsApi } from './artifacts/artifacts-api';
import { addUiArtifactEndpoints } from './mlflow/ui-artifact-endpoints';
import { createStaticHandler } from './http/static';
import { createPageRenderer } from './http/ssr';
import { addAdminApi } from './http/admin-api';
import { createBlobCollector, GC_INTERVAL_MS, type GcResult } from './blobs/gc';
import { markReferencedBlobs, trackLoadedRooms } from './blobs/gc-mark';
import type { Permission } from '../src/lib/core/access';
import type * as Y from 'yjs';
import { observeModelRenames } from '../src/lib/core/docs/registry';
import { openAuthStore, type AuthStore } from './auth/auth-store';
import { createAccessControl } from './auth/access-control';
import { createOriginPolicy, isLoopbackAddress } from './auth/origin-policy';
import { createHttpGate } from './auth/http-gate';
import { createRelayAuth } from './auth/relay-auth';
import { addAuthApi } from './auth/auth-api';
import { watchRevocations } from './auth/revocation';
import { grantRelayCreators } from './auth/creator-grants';
import type { RateLimitOptions } from './auth/rate-limit';
import { collectWhenIdle } from './idle-gc';
import { createGovernanceService } from './tracking/registry-governance';
import { addRegistryGovernanceApi } from './http/registry-governance-api';
import { openWebhookStore, type WebhookStore } from './webhooks/webhook-store';
import { createSecretCipher } from './webhooks/webhook-secret';
import { startWebhookOutbox } from './webhooks/webhook-outbox';
import { readWebhookSettings, type WebhookSettings } from './webhooks/webhook-delivery';
import { addMlflowWebhookApi } from './mlflow/webhook-endpoints';
import { readWebhookUrlSettings } from '../src/lib/core/webhooks/webhook-url';

export const VERSION = '0.1.0';
const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_STATIC_DIR = path.resolve(here, '..', 'build');

export interface ServerOptions {
	host?: string;
	port?: number;
	/** Data directory (documents and blobs); ignored when `store` is given. */
	dataDir?: string;
	/** Use this store instead of the SQLite one under dataDir (tests, benches). */
	store?: DocStore;
	/** Users, tokens and grants (e.g. on PostgreSQL, shared by every instance) instead of `auth.db`; not closed by the server. */
	authStore?: AuthStore;
	/** Webhooks and their outbox (e.g. on PostgreSQL) instead of `webhooks.db`; not closed by the server. */
	webhookStore?: WebhookStore;
	/** Use this blob store instead of the files under dataDir/blobs (S3, tests); the caller closes it. */
	blobs?: BlobStore;
	/** Several instances on one shared store: document and awareness updates go through this (Redis); the caller closes it. */
	fanout?: Fanout;
	/** SQLite durability: NORMAL survives kill -9, FULL also power loss. */
	synchronous?: 'NORMAL' | 'FULL';
	staticDir?: string | null;
	log?: (msg: string) => void;
	/** Caps every route's request body, bytes (routes' own limits: 8 MiB for JSON, more where a route needs it). */
	bodyLimitBytes?: number;
	/** ms a client may take to send a request's headers (default 20 s); the connection is closed after. */
	headersTimeoutMs?: number;
	/** ms a request body may go without a byte (default 30 s); answered 408 and closed after. */
	bodyIdleMs?: number;
	/** Largest accepted artifact upload in bytes (default 5 GiB). */
	maxArtifactBytes?: number;
	relay?: { idleUnloadMs?: number; pingIntervalMs?: number; maxFrameBytes?: number };
	/** Blob GC runs this many ms after start and then every interval (default 24 h); 0 disables the schedule. */
	gcIntervalMs?: number;
	/** Unreferenced blobs younger than this are spared by GC (default 1 h; tests use 0). */
	gcGraceMs?: number;
	/** Called after every GC pass (scheduled or POST /api/admin/gc). */
	onGc?: (result: GcResult) => void;
	/** Serve a non-loopback address although no user exists (anyone who can reach it can do anything). */
	insecure?: boolean;
	/** What users have on experiments and registered models they hold no grant on (MLflow auth's default: READ). */
	defaultPermission?: Permission;
	/** Host names clients may use besides loopback and the bound address (`*`: any). */
	allowedHosts?: string[];
	/** Browser origins allowed to call the API besides the server's own. */
	allowedOrigins?: string[];
	rateLimit?: RateLimitOptions;
	/** Webhook delivery settings; by default MLflow's, read from MLFLOW_WEBHOOK_* (and TANDEM_WEBHOOK_BACKOFF_MS). */
	webhooks?: Partial<WebhookSettings>;
}

export interface TandemServer {
	url: string;
	port: number;
	close(): Promise<void>;
}

/**
 * What Node's HTTP parser refuses before any route runs (a raw non-ASCII byte or a control in the request line, a
 * head past 16 KB, headers that do not arrive in time) is answered in the API's JSON error shape, then closed.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
	if (err.code === 'ECONNRESET' || !socket.writable) {
		socket.destroy();
		return;
	}
	const [status, code, message] =
		err.code === 'HPE_HEADER_OVERFLOW'
			? [431, 'REQUEST_LIMIT_EXCEEDED', 'Request headers are larger than 16 KB']
			: err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
				? [408, 'REQUEST_TIMEOUT', 'Request headers did not arrive in time']
				: [400, 'BAD_REQUEST', `Malformed HTTP request (${err.code ?? 'parse error'})`];
	const body = JSON.stringify({ error_code: code, message });
	socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** A lookup's 404 as null (an unknown run or model has no experiment); any other failure stays one. */
function nullIfMissing(e: unknown): null {
	if (e instanceof ApiError && e.code === 'RESOURCE_DOES_NOT_EXIST') return null;
	throw e;
}

export async function startServer(opts: ServerOptions = {}): Promise<TandemServer> {
	const log = opts.log ?? (() => {});
	const dataDir = path.resolve(opts.dataDir ?? 'tandem-data');
	const bindHost = opts.host ?? '127.0.0.1';
	const secretCipher = createSecretCipher(process.env.MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY); // throws for a malformed key
	const auth = opts.authStore ?? openAuthStore(path.join(dataDir, 'auth.db'));
	if (!isLoopbackAddress(bindHost) && !auth.hasUsers() && !opts.insecure) {
		if (!opts.authStore) await auth.close();
		throw new Error(
			`refusing to serve ${bindHost} with no users: anyone who can reach it could read and change everything. ` +
				'Add an admin first (npm run tandem -- user add NAME --admin), or pass --insecure'
		);
	}
	if (!isLoopbackAddress(bindHost) && !auth.hasUsers()) log(`WARNING: serving ${bindHost} with no users (--insecure): anyone who can reach it can do anything`);
	const origins = createOriginPolicy({ bindHost, allowedHosts: opts.allowedHosts, allowedOrigins: opts.allowedOrigins });
	const store = opts.store ?? createSqliteStore({ path: path.join(dataDir, 'tandem.db'), synchronous: opts.synchronous });
	let control: ReturnType<typeof createAccessControl> | undefined;
	const relayAuth = (...args: Parameters<ReturnType<typeof createRelayAuth>>) => createRelayAuth({ control: control!, origins })(...args);
	const relay = createRelay({ store, isValidDocName, isServerOnly: isServerOnlyDoc, log, authorize: relayAuth, fanout: opts.fanout, ...opts.relay });
	const loadedRooms = trackLoadedRooms(relay);
	const stopIdleGc = collectWhenIdle(relay, { log });
	// Before any room loads (the workspace loads next): creators of experiments and models made over the relay get
	// MANAGE, and registered-model grants, keyed by name as MLflow's, follow a rename made over the API or the relay.
	grantRelayCreators(relay, auth, log);
	relay.on('room-loaded', (name, doc) => {
		if (name !== docNames.registry) return;
		observeModelRenames(doc as Y.Doc, (from, to) =>
			void auth.renameResource('registered_model', from, to).catch((e: Error) => log(`moving the grants of model '${from}' to '${to}' failed: ${e.message}`))
		);
	});
	const experiments = createExperimentService(relay);
	const runs = createRunService(relay, experiments);
	const models = createLoggedModelService(relay, experiments);
	await experiments.ensureDefault();
	const access = createAccessControl({
		store: auth,
		defaultPermission: opts.defaultPermission ?? 'READ',
		lookups: {
			experimentOfRun: (id) => runs.locate(id).catch(nullIfMissing),
			experimentOfModel: (id) => models.locate(id).catch(nullIfMissing)
		}
	});
	control = access;
	const gate = createHttpGate({
		control: access,
		origins,
		rateLimit: opts.rateLimit,
		experimentIdByName: (name) => experiments.getByName(name).then((e) => e.experiment_id, nullIfMissing)
	});
	const revocations = watchRevocations({ store: auth, relay });

	const router = createRouter({ log, bodyLimit: opts.bodyLimitBytes, before: (ctx) => gate.authorize(ctx.req, ctx.url, ctx.json) });
	router
		.add('GET', /^\/healthz$/, () => ({ status: 'ok', version: VERSION }))
		.add('GET', /^\/health$/, (ctx) => void ctx.res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'))
		.add('GET', /^\/version$/, (ctx) => void ctx.res.writeHead(200, { 'content-type': 'text/plain' }).end(VERSION));
	addNativeApi(router, { experiments, runs, encodeDiff: (name, sv) => relay.encodeDiff(name, sv) });
	const loggedModel = (id: string) =>
		models.readHeader(id, true).then(
			(record) => ({ artifactLocation: record.artifactLocation, sourceRunId: record.sourceRunId || null }),
			(e: unknown) => (e instanceof ApiError && e.code === 'RESOURCE_DOES_NOT_EXIST' ? null : Promise.reject(e))
		);
	const registry = createRegistryService(relay, { runs, loggedModel });
	addMlflowRegistryApi(router, { registry });
	addRegistryGovernanceApi(router, { governance: createGovernanceService(relay) });
	const webhookSettings = { ...readWebhookSettings(process.env, readWebhookUrlSettings(process.env)), ...opts.webhooks };
	const webhookStore = opts.webhookStore ?? openWebhookStore(path.join(dataDir, 'webhooks.db'), secretCipher);
	const outbox = startWebhookOutbox({ store: webhookStore, relay, flush: () => store.flush(), settings: webhookSettings, log });
	addMlflowWebhookApi(router, { store: webhookStore, settings: webhookSettings, kick: outbox.kick });
	addMlflowTrackingApi(router, { experiments, runs, models });
	const blobs = opts.blobs ?? (await createFsBlobStore(path.join(dataDir, 'blobs')));
	const artifacts = addArtifactsApi(router, { access: relay, runs, models, blobs, maxUploadBytes: opts.maxArtifactBytes });
	addUiArtifactEndpoints(router, { artifacts, blobs, versionUri: (name, version) => registry.getDownloadUri(name, version) });
	const gc = createBlobCollector({
		blobs,
		mark: (signal) => markReferencedBlobs({ store, access: relay, isLoaded: loadedRooms.isLoaded, signal }),
		intervalMs: opts.gcIntervalMs ?? GC_INTERVAL_MS,
		graceMs: opts.gcGraceMs,
		log,
		onGc: opts.onGc
	});
	addAdminApi(router, { gc });
	addAuthApi(router, { store: auth, control: access, onRevoke: (t) => revocations.revoked(t) });

	const staticDir = opts.staticDir === null ? null : (opts.staticDir ?? DEFAULT_STATIC_DIR);
	const serveStatic = staticDir === null ? null : await createStaticHandler(staticDir);
	let url = '';
	const pages = serveStatic && staticDir !== null ? await createPageRenderer(staticDir, { selfUrl: () => url, log }) : null;

	// Headers that do not arrive in time are dropped by Node (408); a stalled body by watchBodyIdle (below). No
	// overall request deadline: an artifact upload may take long, as long as its bytes keep coming.
	const headersTimeout = opts.headersTimeoutMs ?? 20_000;
	const timeouts = { headersTimeout, requestTimeout: 0, connectionsCheckingInterval: Math.max(10, Math.min(1_000, headersTimeout / 2)) };
	const server = http.createServer(timeouts, async (req, res) => {
		try {
			if (!gate.admit(req, res)) return;
			if (await router.handle(req, res)) return;
			const pathname = (req.url ?? '/').split('?')[0];
			if (/^\/(api|ajax-api)\//.test(pathname)) {
				sendError(res, new ApiError('ENDPOINT_NOT_FOUND', `No API endpoint at ${req.method} ${pathname}`));
				return;
			}
			if (pages && (await pages.render(req, res))) return;
			if (serveStatic && (await serveStatic(req, res))) return;
			sendJson(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `Nothing at ${pathname}` });
		} catch (err) {
			sendError(res, err, log);
		}
	});
	server.on('clientError', answerClientError);
	server.on('upgrade', (req, socket, head) => {
		if ((req.url ?? '').startsWith('/sync/')) relay.handleUpgrade(req, socket, head);
		else socket.destroy();
	});
	server.keepAliveTimeout = 65_000;
	const bodyIdleMs = opts.bodyIdleMs ?? DEFAULT_BODY_IDLE_MS;
	server.on('request', (req, res) => watchBodyIdle(req, res, bodyIdleMs));

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 5000, bindHost, () => resolve());
	});
	const address = server.address() as AddressInfo;
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	url = `http://${host}:${address.port}`;
	void pages?.warmUp();

	let closing: Promise<void> | undefined;
	return {
		url,
		port: address.port,
		close: () =>
			(closing ??= (async () => {
				server.close();
				server.closeAllConnections();
				await gc.close();
				loadedRooms.stop();
				stopIdleGc();
				revocations.stop();
				await runs.settleNotes();
				await outbox.close();
				await relay.close();
				if (!opts.webhookStore) await webhookStore.close();
				if (!opts.authStore) await auth.close();
				if (!opts.store) await store.close();
				else await store.flush();
			})())
	};
}
