// The server's access decisions (DESIGN.md §7): who a request or socket is (its token, checked for expiry and
// revocation on every use) and what level it has on an experiment, run, logged model or registered model. With no
// users in the store everything is the `local` principal, allowed everything (the server then binds loopback only).
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../src/lib/core/errors';
import { allows, effectivePermission, LOCAL_PRINCIPAL, type Permission, type Principal, type ResourceKind } from '../../src/lib/core/access';
import type { AuthStore, TokenRecord } from './auth-store';
import { readCredentials } from './credentials';

/** What a request names, before it is mapped to the experiment or registered model its permissions live on. */
export type ResourceRef =
	| { kind: 'experiment'; id: string }
	| { kind: 'run'; id: string }
	| { kind: 'logged_model'; id: string }
	| { kind: 'registered_model'; name: string };

export interface AccessLookups {
	/** The experiment of a run (null: no such run). Never changes, so answers are cached. */
	experimentOfRun(runId: string): Promise<string | null>;
	experimentOfModel(modelId: string): Promise<string | null>;
}

/** Why a token may not be used at `now`, or null (requests are refused with it, open sockets closed with it). */
export function readTokenProblem(store: AuthStore, t: TokenRecord, now: number): string | null {
	if (t.revokedAt !== null) return `Token '${t.label}' was revoked`;
	if (t.expiresAt !== null && t.expiresAt <= now) return `Token '${t.label}' expired`;
	if (!store.getUser(t.user)) return `The user of token '${t.label}' no longer exists`;
	return null;
}

export type Authentication = { ok: true; principal: Principal } | { ok: false; error: ApiError };

const RESOLVED_CACHE = 50_000;

export function createAccessControl(opts: { store: AuthStore; defaultPermission: Permission; lookups: AccessLookups; now?: () => number }) {
	const { store, lookups } = opts;
	const now = opts.now ?? Date.now;
	const experimentOf = new Map<string, string>();

	const tokenProblem = (t: TokenRecord) => readTokenProblem(store, t, now());

	function principalOf(t: TokenRecord): Principal {
		return { user: t.user, admin: store.getUser(t.user)!.admin, scope: t.scope, tokenId: t.id };
	}

	async function experimentFor(ref: ResourceRef): Promise<string | null> {
		if (ref.kind === 'experiment') return ref.id;
		if (ref.kind === 'registered_model') return null;
		const key = `${ref.kind}:${ref.id}`;
		const cached = experimentOf.get(key);
		if (cached !== undefined) return cached;
		const exp = ref.kind === 'run' ? await lookups.experimentOfRun(ref.id) : await lookups.experimentOfModel(ref.id);
		if (exp !== null) {
			if (experimentOf.size >= RESOLVED_CACHE) experimentOf.clear();
			experimentOf.set(key, exp);
		}
		return exp;
	}

	const control = {
		/** True once any user exists: from then on every route but /healthz and the app shell needs a token. */
		enabled: () => store.hasUsers(),
		defaultPermission: opts.defaultPermission,

		/** Who sent `req`: `local` with no users, the token's user, or a 401 explaining what is wrong. */
		authenticate(req: IncomingMessage, how: { allowUrlToken: boolean }): Authentication {
			if (!store.hasUsers()) return { ok: true, principal: LOCAL_PRINCIPAL };
			const creds = readCredentials(req, how);
			const fail = (message: string): Authentication => ({ ok: false, error: new ApiError('UNAUTHENTICATED', message) });
			if (creds === null) return fail('Authentication required: send a token as "Authorization: Bearer <token>" (MLFLOW_TRACKING_TOKEN), or as the password of Basic auth');
			if (creds === 'malformed') return fail('Malformed Authorization header: expected "Bearer <token>" or "Basic <base64 user:token>"');
			const t = store.findToken(creds.token);
			if (!t) return fail('Invalid token');
			const problem = tokenProblem(t);
			if (problem) return fail(problem);
			if (creds.claimedUser !== null && creds.claimedUser !== t.user) return fail(`The token does not belong to user '${creds.claimedUser}'`);
			return { ok: true, principal: principalOf(t) };
		},

		/** The principal's level on what `ref` belongs to; NO_PERMISSIONS for a run or model that does not exist. */
		async level(principal: Principal, ref: ResourceRef): Promise<Permission> {
			if (principal.tokenId === null) return 'MANAGE';
			if (ref.kind === 'registered_model') return control.levelOn(principal, 'registered_model', ref.name);
			const exp = await experimentFor(ref);
			// Unknown runs and models: the handler answers 404, which reveals nothing a reader could not learn.
			if (exp === null) return effectivePermission(principal, undefined, opts.defaultPermission);
			return control.levelOn(principal, 'experiment', exp);
		},
		levelOn(principal: Principal, kind: ResourceKind, resource: string): Permission {
			if (principal.tokenId === null) return 'MANAGE';
			return effectivePermission(principal, store.grant(kind, resource, principal.user), opts.defaultPermission);
		},
		canRead: (principal: Principal, kind: ResourceKind, resource: string) => allows(control.levelOn(principal, kind, resource), 'READ'),

		/** Throws 403 PERMISSION_DENIED unless the principal has `need` on `ref`. */
		async require(principal: Principal, ref: ResourceRef, need: Permission): Promise<void> {
			const have = await control.level(principal, ref);
			if (allows(have, need)) return;
			throw new ApiError('PERMISSION_DENIED', `Permission denied: ${principal.user} has ${have} on ${describe(ref)}, ${need} is needed (token scope: ${principal.scope})`);
		},
		/** Writes that create nothing in particular (a new experiment or model) need a write-scoped token. */
		requireWriteScope(principal: Principal): void {
			if (principal.scope === 'read') throw new ApiError('PERMISSION_DENIED', `Permission denied: token scope 'read' cannot write`);
		},
		/** Administration needs an admin user's admin-scoped token (an admin's write token edits everything, no more). */
		requireAdmin(principal: Principal): void {
			if (!principal.admin || principal.scope !== 'admin') throw new ApiError('PERMISSION_DENIED', `Permission denied: this needs an admin user's admin-scoped token (${principal.user}, scope ${principal.scope})`);
		},
		renameResource: (kind: ResourceKind, from: string, to: string) => store.renameResource(kind, from, to),
		/** The creator of an experiment or registered model gets MANAGE on it (MLflow auth's rule). */
		async grantCreator(principal: Principal, kind: ResourceKind, resource: string): Promise<void> {
			if (principal.tokenId === null || !store.getUser(principal.user)) return;
			await store.setGrant(kind, resource, principal.user, 'MANAGE');
		}
	};
	return control;
}

function describe(ref: ResourceRef): string {
	if (ref.kind === 'registered_model') return `registered model '${ref.name}'`;
	if (ref.kind === 'experiment') return `experiment ${ref.id}`;
	return ref.kind === 'run' ? `the experiment of run ${ref.id}` : `the experiment of logged model ${ref.id}`;
}

export type AccessControl = ReturnType<typeof createAccessControl>;
