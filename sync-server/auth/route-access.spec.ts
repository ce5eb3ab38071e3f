import { describe, expect, it } from 'vitest';
import { artifactPathRef, docRef, isPublicPath, routeNeed } from './route-access';

const RUN = 'a'.repeat(32);
const need = (method: string, url: string, message: Record<string, unknown> = {}) => {
	const u = new URL(url, 'http://x');
	return routeNeed(method, u.pathname, u.searchParams, () => message);
};

describe('route access', () => {
	it('leaves health, the app shell and sign-in public, nothing under the API', () => {
		for (const p of ['/healthz', '/', '/experiments/1', '/_app/immutable/x.js', '/api/auth/session']) expect(isPublicPath(p)).toBe(true);
		for (const p of ['/api/experiments', '/api/2.0/mlflow/runs/get', '/ajax-api/2.0/mlflow/runs/get', '/sync/workspace', '/get-artifact', '/model-versions/get-artifact']) {
			expect(isPublicPath(p)).toBe(false);
		}
	});
	it('reads the resource MLflow messages name, with READ / EDIT / MANAGE by verb', () => {
		expect(need('GET', `/api/2.0/mlflow/runs/get?run_id=${RUN}`, { run_id: RUN })).toEqual({ kind: 'resource', level: 'READ', refs: [{ kind: 'run', id: RUN }] });
		expect(need('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: RUN })).toMatchObject({ level: 'EDIT' });
		expect(need('POST', '/api/2.0/mlflow/runs/delete', { run_id: RUN })).toMatchObject({ level: 'MANAGE' });
		expect(need('POST', '/api/2.0/mlflow/runs/delete-tag', { run_id: RUN })).toMatchObject({ level: 'EDIT' });
		expect(need('POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: '5' })).toMatchObject({ level: 'MANAGE', refs: [{ kind: 'experiment', id: '5' }] });
		expect(need('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: '5' })).toMatchObject({ level: 'MANAGE' });
		expect(need('DELETE', '/api/2.0/mlflow/registered-models/delete', { name: 'm' })).toMatchObject({ level: 'MANAGE', refs: [{ kind: 'registered_model', name: 'm' }] });
		expect(need('POST', '/api/2.0/mlflow/model-versions/transition-stage', { name: 'm' })).toMatchObject({ level: 'EDIT' });
		expect(need('GET', '/api/2.0/mlflow/registered-models/alias', { name: 'm' })).toMatchObject({ level: 'READ' });
		expect(need('PATCH', `/api/2.0/mlflow/logged-models/m-${'b'.repeat(32)}/tags`)).toMatchObject({ level: 'EDIT', refs: [{ kind: 'logged_model' }] });
	});
	it('checks every id a message lists, and fails closed when it names none', () => {
		const both = need('GET', '/api/2.0/mlflow/metrics/get-history-bulk-interval', { run_ids: [RUN, 'c'.repeat(32)] });
		expect(both).toMatchObject({ kind: 'resource', refs: [{ id: RUN }, { id: 'c'.repeat(32) }] });
		expect(need('POST', '/api/2.0/mlflow/runs/set-tag', { run_id: [RUN, 'd'.repeat(32)] })).toMatchObject({ refs: [{ id: RUN }, { id: 'd'.repeat(32) }] });
		expect(need('POST', '/api/2.0/mlflow/runs/set-tag', {})).toEqual({ kind: 'admin' });
		expect(need('GET', '/api/not-a-route')).toEqual({ kind: 'admin' });
	});
	it('maps searches to filtering, creates to a write scope, admin routes to admins', () => {
		expect(need('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['1'] })).toEqual({ kind: 'filtered' });
		expect(need('POST', '/api/2.0/mlflow/experiments/create', { name: 'x' })).toEqual({ kind: 'signed-in', write: true });
		expect(need('POST', '/api/admin/gc')).toEqual({ kind: 'admin' });
		expect(need('GET', '/api/experiments')).toEqual({ kind: 'filtered' });
	});
	it('keeps webhooks to admins, and maps registry governance to the model it names', () => {
		expect(need('POST', '/api/2.0/mlflow/webhooks', { name: 'h', experiment_id: '1', run_id: RUN })).toEqual({ kind: 'admin' });
		expect(need('POST', '/ajax-api/2.0/mlflow/webhooks/abc/test')).toEqual({ kind: 'admin' });
		const model = [{ kind: 'registered_model', name: 'fraud v2' }];
		expect(need('GET', '/api/registry/models/fraud%20v2/timeline?at=5')).toEqual({ kind: 'resource', level: 'READ', refs: model });
		expect(need('PUT', '/api/registry/models/fraud%20v2/protection')).toEqual({ kind: 'resource', level: 'MANAGE', refs: model });
		expect(need('POST', '/api/registry/models/fraud%20v2/requests')).toEqual({ kind: 'resource', level: 'EDIT', refs: model });
		expect(need('POST', `/api/registry/models/fraud%20v2/requests/${RUN}/approve`)).toEqual({ kind: 'resource', level: 'EDIT', refs: model });
		expect(need('GET', '/api/registry/models/%E0%A4%A/timeline')).toEqual({ kind: 'admin' });
	});
	it('maps artifact paths and documents to what they belong to', () => {
		expect(artifactPathRef(`3/${RUN}/artifacts/x`)).toEqual({ kind: 'run', id: RUN });
		expect(artifactPathRef(`3/models/m-${'e'.repeat(32)}/artifacts/x`)).toEqual({ kind: 'logged_model', id: `m-${'e'.repeat(32)}` });
		expect(artifactPathRef('../etc')).toBeNull();
		expect(need('PUT', `/api/2.0/mlflow-artifacts/artifacts/3/${RUN}/artifacts/x`)).toMatchObject({ level: 'EDIT', refs: [{ kind: 'run' }] });
		expect(need('GET', `/api/2.0/mlflow-artifacts/artifacts?path=3/${RUN}/artifacts`)).toMatchObject({ level: 'READ', refs: [{ kind: 'run' }] });
		expect(docRef(`series/${RUN}/loss`)).toEqual({ kind: 'run', id: RUN });
		expect(docRef('exp/7/live')).toEqual({ kind: 'experiment', id: '7' });
		expect(docRef('workspace')).toBeNull();
		expect(need('GET', `/api/docs/${encodeURIComponent(`run/${RUN}`)}`)).toMatchObject({ level: 'READ', refs: [{ kind: 'run' }] });
		expect(need('POST', '/api/docs', { docs: [{ name: 'exp/1' }, { name: 'exp/2' }] })).toMatchObject({ refs: [{ id: '1' }, { id: '2' }] });
		const other = 'b'.repeat(32);
		expect(need('POST', '/api/series/overview', { series: [{ run_id: RUN, key: 'a' }, { run_id: RUN, key: 'b' }, { run_id: other, key: 'a' }] })).toEqual({
			kind: 'resource',
			level: 'READ',
			refs: [{ kind: 'run', id: RUN }, { kind: 'run', id: other }]
		});
		expect(need('POST', '/api/series/overview', { series: 'x' })).toEqual({ kind: 'signed-in', write: false });
	});
});
