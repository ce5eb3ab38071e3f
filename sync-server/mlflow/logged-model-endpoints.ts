// MLflow 3.x logged models: Tandem stores none, so searches answer an empty page and lookups 404. The 3.x client
// searches them while resolving `runs:/` URIs and listing a run's artifact subdirectories, so they must answer.
import { notFound } from '../../src/lib/core/errors';
import type { Router } from '../http/router';
import { addMlflowEndpoint } from './endpoint';

export function addLoggedModelEndpoints(router: Router): void {
	addMlflowEndpoint(router, 'logged-models/search', () => ({ models: [] }), ['experiment_ids']);
	router.add('GET', /^\/(?:api|ajax-api)\/2\.0\/mlflow\/logged-models\/([^/]+)$/, (ctx) => {
		throw notFound(`Logged model with ID '${ctx.params[0]}' not found.`);
	});
}
