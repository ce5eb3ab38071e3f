// HTTP routes for identities and permissions: the app's sign-in (`/api/auth/session` sets an HttpOnly cookie),
// `who am I` (`/api/auth/me`), admin-only users and tokens (`/api/admin/users`, `/api/admin/tokens`), and MLflow
// auth's permission routes (`experiments/permissions/*`, `registered-models/permissions/*`, MANAGE needed).
import { ApiError, invalid } from '../../src/lib/core/errors';
import { isPermission, isScope, parseTtl, type ResourceKind } from '../../src/lib/core/access';
import type { RequestContext, Router } from '../http/router';
import { AuthError, type AuthStore, type TokenRecord } from './auth-store';
import type { AccessControl } from './access-control';
import { principalOf } from './http-gate';
import { SESSION_COOKIE } from './credentials';

const object = async (ctx: RequestContext): Promise<Record<string, unknown>> => {
	const query = Object.fromEntries(ctx.url.searchParams);
	if (ctx.req.method === 'GET') return query;
	const body = await ctx.json();
	if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('Request body must be a JSON object');
	return { ...query, ...(body as Record<string, unknown>) };
};
const field = (o: Record<string, unknown>, key: string): string => {
	const v = o[key];
	if (typeof v !== 'string' || v.length === 0) throw invalid(`Missing value for required parameter '${key}'`);
	return v;
};

/** AuthError → the matching MLflow-shaped ApiError. */
async function mapped<T>(fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (e) {
		if (e instanceof AuthError) throw new ApiError(e.code, e.message);
		throw e;
	}
}

export const tokenJson = (t: TokenRecord) => ({
	label: t.label,
	user: t.user,
	scope: t.scope,
	created_at: t.createdAt,
	expires_at: t.expiresAt,
	revoked_at: t.revokedAt,
	state: t.revokedAt !== null ? 'revoked' : t.expiresAt !== null && t.expiresAt <= Date.now() ? 'expired' : 'active'
});

export function addAuthApi(router: Router, deps: { store: AuthStore; control: AccessControl; onRevoke(t: TokenRecord): void }): void {
	const { store, control } = deps;

	router
		.add('POST', /^\/api\/auth\/session$/, async (ctx) => {
			const body = await object(ctx);
			const token = field(body, 'token');
			const probe = { headers: { authorization: `Bearer ${token}` }, url: '/' } as unknown as RequestContext['req'];
			const auth = control.authenticate(probe, { allowUrlToken: false });
			if (!auth.ok) throw auth.error;
			const t = store.findToken(token)!;
			const maxAge = t.expiresAt === null ? 400 * 86_400 : Math.max(1, Math.floor((t.expiresAt - Date.now()) / 1000));
			ctx.res.setHeader('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`);
			return { user: auth.principal.user, scope: auth.principal.scope, admin: auth.principal.admin };
		})
		.add('DELETE', /^\/api\/auth\/session$/, (ctx) => {
			ctx.res.setHeader('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
			return {};
		})
		.add('GET', /^\/api\/auth\/me$/, (ctx) => {
			const p = principalOf(ctx.req);
			return { auth_required: control.enabled(), user: p.user, scope: p.scope, admin: p.admin, signed_in: p.tokenId !== null && p.tokenId !== 'anonymous' };
		})
		.add('GET', /^\/api\/admin\/users$/, () => ({ users: store.users().map((u) => ({ name: u.name, admin: u.admin, created_at: u.createdAt })) }))
		.add('POST', /^\/api\/admin\/users$/, async (ctx) => {
			const body = await object(ctx);
			const u = await mapped(() => store.addUser(field(body, 'name'), body.admin === true));
			return { user: { name: u.name, admin: u.admin, created_at: u.createdAt } };
		})
		.add('DELETE', /^\/api\/admin\/users\/([^/]+)$/, async (ctx) => {
			const doomed = store.tokens().filter((t) => t.user === ctx.params[0]);
			await mapped(() => store.removeUser(ctx.params[0]));
			for (const t of doomed) deps.onRevoke(t);
			return {};
		})
		.add('GET', /^\/api\/admin\/tokens$/, () => ({ tokens: store.tokens().map(tokenJson) }))
		.add('POST', /^\/api\/admin\/tokens$/, async (ctx) => {
			const body = await object(ctx);
			const scope = body.scope ?? 'read';
			if (!isScope(scope)) throw invalid(`Invalid scope '${String(scope)}': read, write or admin`);
			let ttlMs: number | null = null;
			if (body.expires !== undefined && body.expires !== null) {
				ttlMs = typeof body.expires === 'string' ? parseTtl(body.expires) : null;
				if (ttlMs === null) throw invalid(`Invalid expires '${String(body.expires)}': a duration like 30d, 12h or 90m`);
			}
			const label = body.name === undefined ? undefined : field(body, 'name');
			const { token, record } = await mapped(() => store.createToken({ user: field(body, 'user'), scope, label, ttlMs }));
			return { token, ...tokenJson(record) };
		})
		.add('DELETE', /^\/api\/admin\/tokens\/(.+)$/, async (ctx) => {
			const t = await mapped(() => store.revokeToken(ctx.params[0]));
			deps.onRevoke(t);
			return { token: tokenJson(t) };
		});

	addPermissionRoutes(router, store, 'experiment', 'experiments', 'experiment_id');
	addPermissionRoutes(router, store, 'registered_model', 'registered-models', 'name');
}

/** MLflow auth's `<prefix>/permissions/{create,get,update,delete}` for one resource kind. */
function addPermissionRoutes(router: Router, store: AuthStore, kind: ResourceKind, prefix: string, idField: string): void {
	const route = (method: string, verb: string, fn: (body: Record<string, unknown>) => unknown) => {
		const pattern = new RegExp(`^/(?:api|ajax-api)/2\\.0/mlflow/${prefix}/permissions/${verb}$`);
		router.add(method, pattern, async (ctx) => fn(await object(ctx)));
	};
	const json = (resource: string, user: string) => {
		const permission = store.grant(kind, resource, user);
		if (!permission) throw new ApiError('RESOURCE_DOES_NOT_EXIST', `No ${kind} permission for user '${user}' on '${resource}'`);
		return { [`${kind}_permission`]: { [idField]: resource, user_id: user, username: user, permission } };
	};
	const write = async (body: Record<string, unknown>) => {
		const permission = field(body, 'permission');
		if (!isPermission(permission)) throw invalid(`Invalid permission '${permission}': READ, EDIT, MANAGE or NO_PERMISSIONS`);
		const resource = field(body, idField);
		const user = field(body, 'username');
		await mapped(() => store.setGrant(kind, resource, user, permission));
		return json(resource, user);
	};
	route('POST', 'create', write);
	route('PATCH', 'update', write);
	route('GET', 'get', (b) => json(field(b, idField), field(b, 'username')));
	route('DELETE', 'delete', async (b) => {
		await mapped(() => store.deleteGrant(kind, field(b, idField), field(b, 'username')));
		return {};
	});
}
