// A minimal HTTP router: method + path pattern -> handler returning JSON. Reads bodies with a size limit and
// turns every failure into `{error_code, message}` with the right status (MLflow's error shape).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../src/lib/core/errors';

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

interface Route {
	method: string;
	pattern: RegExp;
	handler: Handler;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

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

/** Parses a request body's text as JSON (an empty body reads as `{}`); 400 MALFORMED_REQUEST otherwise. */
export function parseJsonBody(text: string): unknown {
	if (text.length === 0) return {};
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

export function sendError(res: ServerResponse, err: unknown, log?: (msg: string) => void): void {
	const apiErr = err instanceof ApiError ? err : new ApiError('INTERNAL_ERROR', 'Internal server error');
	if (!(err instanceof ApiError)) log?.(`internal error: ${(err as Error)?.stack ?? String(err)}`);
	if (res.headersSent) {
		res.destroy();
		return;
	}
	sendJson(res, apiErr.status, apiErr.toJSON());
}

export function createRouter(opts: { bodyLimit?: number; log?: (msg: string) => void } = {}) {
	const routes: Route[] = [];
	const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;

	const router = {
		add(method: string, pattern: RegExp, handler: Handler) {
			routes.push({ method, pattern, handler });
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
			let body: Promise<string> | undefined;
			let parsed: Promise<unknown> | undefined;
			// Decoded once: MLflow routes read both the text (for Python-style error messages) and the JSON.
			const read = () => (body ??= readBody(req, bodyLimit).then((b) => b.toString('utf8')));
			const ctx: RequestContext = {
				req,
				res,
				url,
				params,
				json: () => (parsed ??= read().then(parseJsonBody)),
				text: read
			};
			try {
				const out = await route.handler(ctx);
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
