// The HTTP edge of access control: every request's Host and Origin, its token (401 without a valid one once users
// exist), a per-token rate limit (429 + Retry-After), JSON routes' Content-Type, security headers; then, per route,
// the permission the request needs (route-access.ts) before its handler runs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../src/lib/core/errors';
import { allows, type Principal, type ResourceKind } from '../../src/lib/core/access';
import type { AccessControl } from './access-control';
import type { OriginPolicy } from './origin-policy';
import { isPublicPath, routeNeed, type Message } from './route-access';
import { createRateLimiter, type RateLimitOptions } from './rate-limit';

interface Admitted {
	principal: Principal;
	canRead(kind: ResourceKind, resource: string): boolean;
}
const admitted = new WeakMap<IncomingMessage, Admitted>();

function admittedOf(req: IncomingMessage): Admitted {
	const a = admitted.get(req);
	if (!a) throw new ApiError('INTERNAL_ERROR', 'request reached a handler without passing the access gate');
	return a;
}

/** The principal the gate admitted `req` as (every routed request has one). */
export function principalOf(req: IncomingMessage): Principal {
	return admittedOf(req).principal;
}

/**
 * For listings and searches: which experiments (or registered models) the caller may read; null when it may read
 * everything (no users, or an admin), so the common case costs nothing.
 */
export function readableBy(req: IncomingMessage, kind: ResourceKind): ((resource: string) => boolean) | null {
	const a = admitted.get(req);
	if (!a || a.principal.tokenId === null || a.principal.admin) return null; // admins read everything, whatever the scope
	return (resource) => a.canRead(kind, resource);
}

/** Routes whose bodies are not JSON (artifact bytes; multipart uploads, which are refused whatever they send). */
const BINARY_BODY = /^\/(?:(?:api|ajax-api)\/2\.0\/mlflow-artifacts\/(?:artifacts|mpu)\/|(?:api|ajax-api)\/2\.0\/mlflow\/upload-artifact$|api\/runs\/[^/]+\/artifacts\/)/;

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
	'x-frame-options': 'DENY',
	'cross-origin-opener-policy': 'same-origin',
	'cross-origin-resource-policy': 'same-origin'
};

export interface HttpGateOptions {
	control: AccessControl;
	origins: OriginPolicy;
	rateLimit?: RateLimitOptions;
	/** The id of an experiment by name, or null (POST /api/runs may create it). */
	experimentIdByName(name: string): Promise<string | null>;
}

function refuse(res: ServerResponse, err: ApiError, extra: Record<string, string> = {}): void {
	const body = JSON.stringify(err.toJSON());
	res.writeHead(err.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...extra });
	res.end(body);
}

export function createHttpGate(opts: HttpGateOptions) {
	const { control } = opts;
	const limiter = createRateLimiter(opts.rateLimit);

	const grantFrom = async (principal: Principal, kind: 'experiment' | 'registered_model', resource: unknown): Promise<void> => {
		if (typeof resource === 'string' && resource) await control.grantCreator(principal, kind, resource);
	};

	return {
		/** Runs before routing: false when the request was answered (refused) here. */
		admit(req: IncomingMessage, res: ServerResponse): boolean {
			for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
			const pathname = (req.url ?? '/').split('?')[0];
			const publicPath = isPublicPath(pathname);
			const originProblem = opts.origins.check(req.headers as Record<string, string | undefined>, !publicPath);
			if (originProblem) {
				refuse(res, new ApiError('PERMISSION_DENIED', originProblem));
				return false;
			}
			const method = req.method ?? 'GET';
			if ((method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE') && !BINARY_BODY.test(pathname) && hasBody(req)) {
				const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
				if (type !== 'application/json') {
					refuse(res, new ApiError('INVALID_PARAMETER_VALUE', `Bad Request. Content-Type must be one of ['application/json'], not '${type || 'none'}'.`));
					return false;
				}
			}
			const auth = control.authenticate(req, { allowUrlToken: false });
			if (!auth.ok) {
				if (publicPath) {
					// The app shell loads without a token and shows its sign-in page; health checks answer anyone.
					admitted.set(req, { principal: { user: 'anonymous', admin: false, scope: 'read', tokenId: 'anonymous' }, canRead: () => false });
					return true;
				}
				refuse(res, auth.error, { 'www-authenticate': 'Bearer realm="tandem"' });
				return false;
			}
			const wait = auth.principal.tokenId === null ? 0 : limiter.take(auth.principal.tokenId);
			if (wait > 0) {
				refuse(res, new ApiError('RESOURCE_EXHAUSTED', `Rate limit exceeded for token of ${auth.principal.user}: retry in ${Math.ceil(wait / 1000)} s`), {
					'retry-after': String(Math.ceil(wait / 1000))
				});
				return false;
			}
			const principal = auth.principal;
			admitted.set(req, { principal, canRead: (kind, resource) => allows(control.levelOn(principal, kind, resource), 'READ') });
			return true;
		},

		/**
		 * The router's before-handler hook: throws 403 unless the principal has what the route needs. Returns what to
		 * run after the handler succeeded (the creator of an experiment or registered model gets MANAGE on it).
		 */
		async authorize(req: IncomingMessage, url: URL, message: () => Promise<unknown>): Promise<((answer: unknown) => void) | undefined> {
			const principal = principalOf(req);
			if (principal.tokenId === null) return undefined; // no users: the local principal may do everything
			const method = req.method ?? 'GET';
			// Routes that name their resource in the body need it up front (the router caches it for the handler).
			// Artifact bytes are never read here: their handler streams them.
			const body: Message =
				method === 'GET' || method === 'HEAD' || BINARY_BODY.test(url.pathname)
					? readQuery(url.searchParams)
					: // A malformed or oversized body is answered as such (400, 413) here, before what it names is judged.
						await message().then((m) => (m && typeof m === 'object' && !Array.isArray(m) ? (m as Message) : {}));
			const need = routeNeed(method, url.pathname, url.searchParams, () => body);
			switch (need.kind) {
				case 'public':
					return undefined;
				case 'filtered':
					if (method === 'POST' && url.pathname === '/api/runs' && typeof body.experiment_name === 'string') {
						const existing = await opts.experimentIdByName(body.experiment_name);
						if (existing !== null) await control.require(principal, { kind: 'experiment', id: existing }, 'EDIT');
						else control.requireWriteScope(principal);
						return existing === null ? (answer) => grantFrom(principal, 'experiment', (answer as Message | null)?.experiment_id) : undefined;
					}
					return undefined;
				case 'signed-in':
					if (!need.write) return undefined;
					control.requireWriteScope(principal);
					if (/experiments(\/create)?$/.test(url.pathname)) return (answer) => grantFrom(principal, 'experiment', (answer as Message | null)?.experiment_id);
					if (url.pathname.endsWith('registered-models/create')) return () => grantFrom(principal, 'registered_model', body.name);
					return undefined;
				case 'admin':
					control.requireAdmin(principal);
					return undefined;
				case 'resource':
					for (const ref of need.refs) await control.require(principal, ref, need.level);
					return undefined;
			}
		},

	};
}

/** Query fields as a message; a repeated field reads as a list, so every id it names is checked. */
function readQuery(params: URLSearchParams): Message {
	const out: Record<string, string | string[]> = {};
	for (const [k, v] of params) {
		const prev = out[k];
		out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
	}
	return out;
}

function hasBody(req: IncomingMessage): boolean {
	const length = req.headers['content-length'];
	if (length !== undefined) return Number(length) > 0;
	return req.headers['transfer-encoding'] !== undefined;
}

export type HttpGate = ReturnType<typeof createHttpGate>;

/** The experiment ids of a search the caller may read (unreadable ones are skipped, as unknown ones are). */
export function onlyReadable(req: IncomingMessage, experimentIds: readonly string[]): string[] {
	const readable = readableBy(req, 'experiment');
	return readable ? experimentIds.filter(readable) : [...experimentIds];
}

/** The signed-in user behind `req`, or null on a server without users (clients then name themselves). */
export function identityOf(req: IncomingMessage): string | null {
	const a = admitted.get(req);
	return a && a.principal.tokenId !== null && a.principal.tokenId !== 'anonymous' ? a.principal.user : null;
}
