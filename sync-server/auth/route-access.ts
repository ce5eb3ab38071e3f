// What each HTTP route needs (DESIGN.md §7), read from the request as MLflow's auth app does: the level (READ for
// reads, EDIT for writes, MANAGE for deletes and permission changes) on the experiment, run, logged model or
// registered model the request names. Routes no rule knows need an admin: a new route fails closed.
import { parseDocName } from '../../src/lib/core/schema';
import type { Permission } from '../../src/lib/core/access';
import type { ResourceRef } from './access-control';

export type RouteNeed =
	| { kind: 'public' }
	/** Any valid token; `write` refuses read-scoped ones (creating an experiment or a model). */
	| { kind: 'signed-in'; write: boolean }
	| { kind: 'admin' }
	| { kind: 'resource'; level: Permission; refs: ResourceRef[] }
	/** A listing or search: the handler shows only what the caller may read (see visibility.ts). */
	| { kind: 'filtered' };

export type Message = Readonly<Record<string, unknown>>;

const MLFLOW = /^\/(?:api|ajax-api)\/2\.0\/mlflow\/(.+)$/;
const MLFLOW_ARTIFACTS = /^\/(?:api|ajax-api)\/2\.0\/mlflow-artifacts\/(artifacts(?:\/.*)?|mpu\/.*|presigned\/.*)$/;
const RUN_ID = /^[0-9a-f]{32}$/;
const MODEL_ID = /^m-[0-9a-f]{32}$/;

/** Paths that answer without a token: health, version and the app shell (its data comes from the API). */
export function isPublicPath(pathname: string): boolean {
	if (pathname === '/healthz' || pathname === '/health' || pathname === '/version') return true;
	if (pathname === '/api/auth/session' || pathname === '/api/auth/me') return true; // sign-in, and "who am I" (anonymous)
	return !/^\/(api|ajax-api|sync|model-versions|get-artifact)(\/|$)/.test(pathname);
}

const READ_VERBS = /(^|\/)(get|get-by-name|search|list|get-history|get-history-bulk|get-history-bulk-interval|get-latest-versions|get-download-uri|directories|files)$/;
const SEARCHES = new Set(['experiments/search', 'runs/search', 'registered-models/search', 'model-versions/search', 'logged-models/search', 'datasets/search']);
const CREATES = new Set(['experiments/create', 'registered-models/create']);

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** The run a query names (`run_id`, or MLflow's older `run_uuid`). */
function runOfQuery(query: URLSearchParams): ResourceRef | null {
	const id = str(query.get('run_id')) ?? str(query.get('run_uuid'));
	return id ? { kind: 'run', id } : null;
}

/** The resource an MLflow message names, in MLflow's order of precedence. */
function mlflowRefs(path: string, m: Message): ResourceRef[] {
	const logged = /^logged-models\/([^/]+)/.exec(path);
	if (logged && logged[1] !== 'search') return [{ kind: 'logged_model', id: logged[1] }];
	if (path.startsWith('registered-models/') || path.startsWith('model-versions/')) {
		return list(m.name).map((name) => ({ kind: 'registered_model', name }));
	}
	// Every id a message names is checked (a repeated query field reads as a list).
	const refs: ResourceRef[] = [];
	for (const id of [...list(m.run_id), ...list(m.run_uuid), ...list(m.run_ids)]) refs.push({ kind: 'run', id });
	for (const id of list(m.model_id)) refs.push({ kind: 'logged_model', id });
	for (const id of list(m.experiment_id)) refs.push({ kind: 'experiment', id });
	if (refs.length === 0 && path === 'runs/create') refs.push({ kind: 'experiment', id: '0' }); // MLflow's default experiment
	return refs;
}

function mlflowLevel(method: string, path: string): Permission {
	if (/(^|\/)permissions\//.test(path)) return 'MANAGE';
	if (/(^|\/)(delete|restore)$/.test(path)) return 'MANAGE'; // as MLflow: EDIT may not delete (runs included)
	if (method === 'DELETE' && (path === 'registered-models/delete' || /^logged-models\/[^/]+$/.test(path))) return 'MANAGE';
	if (READ_VERBS.test(path) || (method === 'GET' && !path.endsWith('alias'))) return 'READ';
	if (method === 'GET') return 'READ';
	return 'EDIT';
}

/** The resource an artifact path (`<exp>/<run>/artifacts/…` or `<exp>/models/<id>/artifacts/…`) belongs to. */
export function artifactPathRef(path: string): ResourceRef | null {
	const parts = path.replace(/^\/+/, '').split('/');
	if (parts[1] && RUN_ID.test(parts[1])) return { kind: 'run', id: parts[1] };
	if (parts[1] === 'models' && parts[2] && MODEL_ID.test(parts[2])) return { kind: 'logged_model', id: parts[2] };
	return parts[0] && /^[0-9]+$/.test(parts[0]) ? { kind: 'experiment', id: parts[0] } : null;
}

/** The resource a document belongs to (`exp/<id>…`, `run/<id>`, `series/<run>/…`, `model/<id>`), or null (shared docs). */
export function docRef(name: string): ResourceRef | null {
	const ref = parseDocName(name);
	if (!ref) return null;
	switch (ref.kind) {
		case 'experiment':
		case 'live':
		case 'models':
		case 'comments':
			return { kind: 'experiment', id: ref.experimentId };
		case 'run':
		case 'series':
			return { kind: 'run', id: ref.runId };
		case 'model':
			return { kind: 'logged_model', id: ref.modelId };
		default:
			return null;
	}
}

/**
 * What a request needs. `message` is the MLflow request message (query for GET, JSON body otherwise) or the native
 * JSON body; `query` the URL's parameters.
 */
export function routeNeed(method: string, pathname: string, query: URLSearchParams, message: () => Message): RouteNeed {
	if (isPublicPath(pathname)) return { kind: 'public' };
	const write = method !== 'GET' && method !== 'HEAD';
	const need = (level: Permission, ref: ResourceRef | null): RouteNeed => (ref ? { kind: 'resource', level, refs: [ref] } : { kind: 'admin' });

	if (/^\/api\/admin\//.test(pathname)) return { kind: 'admin' };
	if (/^\/api\/(auth|me)(\/|$)/.test(pathname)) return { kind: 'signed-in', write: false };

	const art = MLFLOW_ARTIFACTS.exec(pathname);
	if (art) {
		if (art[1] === 'artifacts') return need('READ', artifactPathRef(query.get('path') ?? ''));
		if (!art[1].startsWith('artifacts/')) return { kind: 'signed-in', write: true }; // multipart/presigned: refused by the handler
		return need(write ? 'EDIT' : 'READ', artifactPathRef(art[1].slice('artifacts/'.length)));
	}
	const ml = MLFLOW.exec(pathname);
	if (ml) {
		const path = ml[1];
		// Webhooks are admin only (MLflow's auth app: sender_is_admin), whatever ids a body might carry.
		if (path === 'webhooks' || path.startsWith('webhooks/')) return { kind: 'admin' };
		if (path === 'upload-artifact') return need('EDIT', runOfQuery(query));
		if (path === 'get-artifact' || path === 'artifacts/list') return need('READ', runOfQuery(query));
		if (path === 'logged-models' && method === 'POST') return need('EDIT', mlflowRefs('', message())[0] ?? null);
		if (SEARCHES.has(path)) return { kind: 'filtered' };
		if (CREATES.has(path)) return { kind: 'signed-in', write: true };
		if (path === 'experiments/get-by-name') return { kind: 'filtered' };
		const refs = mlflowRefs(path, message());
		if (refs.length === 0) return { kind: 'admin' }; // names nothing a rule knows: fail closed
		return { kind: 'resource', level: mlflowLevel(method, path), refs };
	}
	if (pathname === '/get-artifact') return need('READ', runOfQuery(query));
	if (pathname === '/model-versions/get-artifact') {
		const name = str(query.get('name'));
		return need('READ', name ? { kind: 'registered_model', name } : null);
	}

	// Registry governance: READ to read a model's timeline, protection and requests, MANAGE to change its protection,
	// EDIT to request a move and to approve or reject one (registry-governance-api.ts).
	const gov = /^\/api\/registry\/models\/([^/]+)\/(timeline|protection|requests)(\/.*)?$/.exec(pathname);
	if (gov) {
		let name: string;
		try {
			name = decodeURIComponent(gov[1]);
		} catch {
			return { kind: 'admin' };
		}
		const level: Permission = !write ? 'READ' : gov[2] === 'protection' ? 'MANAGE' : 'EDIT';
		return need(level, { kind: 'registered_model', name });
	}

	// The native API.
	if (pathname === '/api/experiments') return write ? { kind: 'signed-in', write: true } : { kind: 'filtered' };
	const exp = /^\/api\/experiments\/([^/]+)(?:\/(runs|first-screen))?$/.exec(pathname);
	if (exp) return need('READ', { kind: 'experiment', id: exp[1] });
	if (pathname === '/api/runs' && method === 'POST') {
		const body = message();
		if (typeof body.experiment_name === 'string') return { kind: 'filtered' }; // may create it: checked by the handler
		return need('EDIT', { kind: 'experiment', id: str(body.experiment_id) ?? '0' });
	}
	const run = /^\/api\/runs\/([^/]+)(\/.*)?$/.exec(pathname);
	if (run) return need(write ? 'EDIT' : 'READ', { kind: 'run', id: run[1] });
	const doc = /^\/api\/docs\/(.+)$/.exec(pathname);
	if (doc) {
		let name: string;
		try {
			name = decodeURIComponent(doc[1]);
		} catch {
			return { kind: 'signed-in', write: false }; // the handler answers 400
		}
		const ref = docRef(name);
		return ref ? need('READ', ref) : { kind: 'signed-in', write: false }; // workspace, registry: every signed-in user
	}
	if (pathname === '/api/docs' && method === 'POST') {
		const docs = message().docs;
		const names = Array.isArray(docs) ? docs.map((d) => (d && typeof d === 'object' ? (d as Message).name : null)) : [];
		const refs = names.map((n) => (typeof n === 'string' ? docRef(n) : null)).filter((r): r is ResourceRef => r !== null);
		return refs.length > 0 ? { kind: 'resource', level: 'READ', refs } : { kind: 'signed-in', write: false };
	}
	if (pathname === '/api/series/overview' && method === 'POST') {
		// READ on every run named; a body naming none is the handler's 400.
		const series = message().series;
		const ids = Array.isArray(series) ? series.map((s) => (s && typeof s === 'object' ? str((s as Message).run_id) : null)) : [];
		const refs = [...new Set(ids.filter((id): id is string => id !== null))].map((id): ResourceRef => ({ kind: 'run', id }));
		return refs.length > 0 ? { kind: 'resource', level: 'READ', refs } : { kind: 'signed-in', write: false };
	}
	if (/^\/api\/blobs\//.test(pathname)) return { kind: 'signed-in', write: false };
	return { kind: 'admin' };
}
