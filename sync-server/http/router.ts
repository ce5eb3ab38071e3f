// A minimal HTTP router: method + path pattern -> handler returning JSON. Reads bodies within a per-route size
// limit, a nesting depth and an idle timeout, and turns every failure into `{error_code, message}` with the right
// status (MLflow's error shape).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../src/lib/core/errors';
import { FanoutUnavailableError } from '../fanout/fanout';
import { StoreUnavailableError } from '../store/doc-store';
import { checkJsonShape, MAX_JSON_DEPTH, MAX_JSON_ITEMS } from '../../src/lib/core/json-depth';

export interface RequestContext {
	req: IncomingMessage;
	res: ServerResponse;
	url: URL;
	/** Path parameters captured by the route pattern, URL-decoded. */
	params: string[];
	/** The request body parsed as JSON (an empty body reads as `{}`); 400 for malformed JSON, 413 past the limit. */
	json(): Promise<unknown>;
	/** The request body as UTF-8 text (read once, shared with `json`); 413 past the limit. */
	text(): Promise<string>;
}

/** A handler returns a JSON-able value (sent as 200), or `undefined` after writing the response itself. */
export type Handler = (ctx: RequestContext) => Promise<unknown> | unknown;

export interface RouteOptions {
	/** Largest body `json()` / `text()` read for this route, bytes (default DEFAULT_BODY_LIMIT; the router's cap applies). */
	bodyLimit?: number;
}

interface Route {
	method: string;
	pattern: RegExp;
	handler: Handler;
	bodyLimit: number;
}

/**
 * Default body limit of a route, 8 MiB. The largest MLflow request is a full log-batch: 1,000 metrics (key ≤ 250,
 * model and dataset ids: ~1 KB each), 100 params (key ≤ 250, value ≤ 6,000) and 100 tags (value ≤ 8,000) — about
 * 1 MB + 6 MB of text at 4 UTF-8 bytes per character at worst.
 */
export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;
/** A body that sends no byte for this long is answered 408 and its connection closed. */
export const DEFAULT_BODY_IDLE_MS = 30_000;

/** Reads a whole request body, refusing more than `limit` bytes (by Content-Length up front, or while streaming). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	const declared = Number(req.headers['content-length'] ?? NaN);
	if (declared > limit) throw new ApiError('REQUEST_LIMIT_EXCEEDED', `Request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
	const parts: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > limit) throw new ApiError('REQUEST_LIMIT_EXCEEDED', `Request body exceeds the limit of ${limit} bytes`);
		parts.push(chunk as Buffer);
	}
	return Buffer.concat(parts);
}

/**
 * Drops a request whose body stalls: no byte for `idleMs` while it is still arriving answers 408 (when nothing was
 * sent yet) and closes the connection. The server calls it for every request, so it covers routes that stream
 * the body themselves (artifact uploads) and answers sent before the body was read (a refusal) too; cleared once
 * the body is complete. No-op for a request without a body.
 */
export function watchBodyIdle(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
	const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
	if (!hasBody || idleMs <= 0 || req.complete) return;
	const onIdle = () => {
		stop();
		if (!res.headersSent) {
			const body = JSON.stringify({ error_code: 'REQUEST_TIMEOUT', message: `No request body byte arrived for ${idleMs} ms` });
			res.writeHead(408, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
			res.end(body, () => req.socket.destroy());
		} else req.socket.destroy();
		req.destroy();
	};
	const stop = () => {
		req.off('timeout', onIdle);
		req.off('end', stop);
		res.off('finish', rearm);
		// Once answered, the socket's timeout is the server's keep-alive one (or this one, if the answer came first).
		if (!res.writableFinished) req.socket?.setTimeout(0);
	};
	// Node sets its keep-alive timeout when the answer is sent: a refusal sent before the body came keeps this bound.
	const rearm = () => {
		if (!req.complete) req.socket?.setTimeout(idleMs);
	};
	req.setTimeout(idleMs, onIdle);
	req.once('end', stop);
	res.once('finish', rearm);
}

/**
 * Parses a request body's text as JSON (an empty body reads as `{}`); 400 MALFORMED_REQUEST for malformed JSON
 * and for nesting deeper than MAX_JSON_DEPTH (checked first, by a linear scan: deep values overflow later walks).
 */
export function parseJsonBody(text: string, bytes?: Uint8Array): unknown {
	if (text.length === 0) return {};
	const shape = checkJsonShape(bytes ?? text);
	if (shape === 'deep') throw new ApiError('MALFORMED_REQUEST', `Malformed JSON body: nested deeper than ${MAX_JSON_DEPTH} levels`);
	if (shape === 'many') throw new ApiError('REQUEST_LIMIT_EXCEEDED', `JSON body holds more than ${MAX_JSON_ITEMS} values`);
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new ApiError('MALFORMED_REQUEST', `Malformed JSON body: ${(e as Error).message}`);
	}
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
	sendJsonText(res, status, JSON.stringify(value));
}

/** Sends `body`, text that is already JSON (a handler that serialised its answer itself). */
export function sendJsonText(res: ServerResponse, status: number, body: string): void {
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
	res.end(body);
}

/**
 * Sends JSON text made of `pieces` (chunked, no Content-Length) as they come, waiting for the socket to drain and
 * giving the event loop back between pieces: a 100 MB answer is never one string nor one long block. Stops if the
 * client goes away.
 */
export async function sendJsonPieces(res: ServerResponse, status: number, pieces: AsyncIterable<string> | Iterable<string>): Promise<void> {
	res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
	for await (const piece of pieces) {
		if (res.destroyed) return;
		if (!res.write(piece)) await new Promise<void>((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
		// Always a macrotask too: over loopback 'drain' may come in the same tick, and a chain of those starves timers.
		await new Promise<void>((resolve) => setImmediate(resolve));
	}
	res.end();
}

/** The StoreUnavailableError or FanoutUnavailableError `err` is or was caused by, if any. */
function findUnavailable(err: unknown): Error | null {
	for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
		if (e instanceof StoreUnavailableError || e instanceof FanoutUnavailableError) return e;
	}
	return null;
}

/**
 * Answers `err` as MLflow does: an ApiError with its code and status; a backend that cannot be reached as 503
 * TEMPORARILY_UNAVAILABLE with `Retry-After: 1`; anything else as a logged 500.
 */
export function sendError(res: ServerResponse, err: unknown, log?: (msg: string) => void): void {
	const unavailable = findUnavailable(err);
	const apiErr =
		err instanceof ApiError
			? err
			: unavailable
				? new ApiError('TEMPORARILY_UNAVAILABLE', /retry/i.test(unavailable.message) ? unavailable.message : `${unavailable.message}; retry`)
				: new ApiError('INTERNAL_ERROR', 'Internal server error');
	if (unavailable) log?.(`unavailable: ${unavailable.message}`);
	else if (!(err instanceof ApiError)) log?.(`internal error: ${(err as Error)?.stack ?? String(err)}`);
	if (res.headersSent) {
		res.destroy();
		return;
	}
	if (apiErr.status === 503) res.setHeader('retry-after', '1');
	sendJson(res, apiErr.status, apiErr.toJSON());
}

/** Runs before a matched route's handler (access control); may return what to run with the handler's answer. */
export type BeforeHandler = (ctx: RequestContext) => Promise<((answer: unknown) => void | Promise<void>) | undefined>;

export interface RouterOptions {
	/**
	 * Largest body any route reads, bytes: caps the routes' own limits (DEFAULT_BODY_LIMIT, or the one a route
	 * names in RouteOptions). Default: no cap beyond those.
	 */
	bodyLimit?: number;
	log?: (msg: string) => void;
	before?: BeforeHandler;
}

export function createRouter(opts: RouterOptions = {}) {
	const routes: Route[] = [];
	const cap = opts.bodyLimit ?? Number.POSITIVE_INFINITY;

	const router = {
		add(method: string, pattern: RegExp, handler: Handler, routeOpts: RouteOptions = {}) {
			routes.push({ method, pattern, handler, bodyLimit: Math.min(routeOpts.bodyLimit ?? DEFAULT_BODY_LIMIT, cap) });
			return router;
		},
		/** True if the request was routed here (handled or answered with an error); false if no pattern matches. */
		async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
			// A request target of `//x/y` is a path, not a host (new URL would read `x` as one).
			const target = req.url ?? '/';
			const url = target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
			const matching = routes.filter((r) => r.pattern.test(url.pathname));
			if (matching.length === 0) {
				// As Flask (Werkzeug's merge_slashes) does: a path that matches once its repeated slashes are merged is
				// redirected there.
				const merged = url.pathname.replace(/\/{2,}/g, '/');
				if (merged === url.pathname || !routes.some((r) => r.pattern.test(merged))) return false;
				res.writeHead(308, { location: merged + url.search }).end();
				return true;
			}
			const route = matching.find((r) => r.method === req.method);
			if (!route) {
				res.setHeader('allow', [...new Set(matching.map((r) => r.method))].join(', '));
				sendError(res, new ApiError('METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed on ${url.pathname}`));
				return true;
			}
			let params: string[];
			try {
				params = route.pattern.exec(url.pathname)!.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p)));
			} catch {
				sendError(res, new ApiError('BAD_REQUEST', `Malformed percent-encoding in path ${url.pathname}`));
				return true;
			}
			let raw: Promise<Buffer> | undefined;
			let body: Promise<string> | undefined;
			let parsed: Promise<unknown> | undefined;
			// Read and decoded once: MLflow routes read both the text (for Python-style error messages) and the JSON.
			const bytes = () => (raw ??= readBody(req, route.bodyLimit));
			const read = () => (body ??= bytes().then((b) => b.toString('utf8')));
			const ctx: RequestContext = {
				req,
				res,
				url,
				params,
				json: () => (parsed ??= bytes().then(async (b) => parseJsonBody(await read(), b))),
				text: read
			};
			try {
				const after = opts.before ? await opts.before(ctx) : undefined;
				const out = await route.handler(ctx);
				await after?.(out); // a creator's grant is in place before the answer is sent
				if (out !== undefined && !res.headersSent) sendJson(res, 200, out);
			} catch (err) {
				// Drain what is left of a refused body so the client can read the error instead of an EPIPE.
				if (!req.complete) req.resume();
				sendError(res, err, opts.log);
			}
			return true;
		}
	};
	return router;
}

export type Router = ReturnType<typeof createRouter>;
