import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ApiError } from '../errors';
import { createLoggedModel, readLoggedModels, updateLoggedModel, type LoggedModelRecord } from '../docs/logged-models';
import { compileLoggedModelFilter, searchLoggedModels } from './logged-model-search';
import { parseSearchLoggedModelsRequest } from './logged-model-requests';

/** Three models in one experiment's documents, created at t = 1, 2, 3 ms. */
function createModels(): LoggedModelRecord[] {
	const models = new Y.Doc();
	const specs = [
		{ name: 'a', type: 'sklearn', metrics: [{ key: 'acc', value: 0.5, timestamp: 1, step: 0, datasetName: 'val' }, { key: 'acc', value: 0.8, timestamp: 2, step: 1, datasetName: 'val' }] },
		{ name: 'b', type: 'xgb', metrics: [{ key: 'acc', value: 0.9, timestamp: 1, step: 0, datasetName: 'test' }] },
		{ name: 'c', type: '', metrics: [] }
	];
	specs.forEach((s, i) => {
		const id = `m-${String(i).repeat(32)}`;
		createLoggedModel(models, new Y.Doc(), '1', { modelId: id, name: s.name, modelType: s.type, sourceRunId: 'r', creationTime: i + 1, artifactLocation: '', tags: { k: s.name } });
		updateLoggedModel(models, id, { metrics: s.metrics }, 10);
	});
	return readLoggedModels(models, '1');
}

const run = (filter: string, order: { field: string; ascending: boolean; dataset?: { name: string } }[] = [], datasets: { name: string }[] = []) =>
	searchLoggedModels(createModels(), compileLoggedModelFilter(filter, datasets), order).map((m) => m.name);

describe('searchLoggedModels', () => {
	it('orders newest first by default, ties broken by id', () => {
		expect(run('')).toEqual(['c', 'b', 'a']);
	});

	it('tests a metric by any value of its key (as the SQL store does), ordered by the latest', () => {
		expect(run('metrics.acc < 0.6')).toEqual(['a']);
		// a's later acc (0.8) passes too, not only its first (0.5)
		expect(run('metrics.acc > 0.7')).toEqual(['b', 'a']);
		expect(run('', [{ field: 'metrics.acc', ascending: false }])).toEqual(['b', 'a', 'c']);
		expect(run('', [{ field: 'metrics.acc', ascending: true }])).toEqual(['a', 'b', 'c']);
	});

	it('scopes metrics to datasets and keeps models with metrics on them', () => {
		expect(run('metrics.acc > 0', [], [{ name: 'test' }])).toEqual(['b']);
		expect(run('', [], [{ name: 'val' }])).toEqual(['a']);
		// b's only acc is on another dataset: like c it has no value and sorts last, newest first.
		expect(run('', [{ field: 'metrics.acc', ascending: false, dataset: { name: 'val' } }])).toEqual(['a', 'c', 'b']);
	});

	it('compares attributes and tags with MLflow comparators, status by its short name', () => {
		expect(run("model_type IN ('xgb', 'sklearn')")).toEqual(['b', 'a']);
		expect(run("tags.k LIKE 'b%'")).toEqual(['b']);
		expect(run("name != 'a' AND creation_timestamp >= 2")).toEqual(['c', 'b']);
		expect(run("status = 'PENDING'")).toHaveLength(3);
		expect(run("status = 'LOGGED_MODEL_PENDING'")).toHaveLength(3);
	});

	it('reads params only when a clause names them', () => {
		const models = createModels();
		const f = compileLoggedModelFilter("params.depth = '3'", []);
		expect(f.readsParams).toBe(true);
		expect(searchLoggedModels(models, f, [], (id): Record<string, string> => (id === models[0].modelId ? { depth: '3' } : {})).map((m) => m.name)).toEqual([models[0].name]);
		expect(compileLoggedModelFilter('metrics.x > 1', []).readsParams).toBe(false);
	});

	it("refuses MLflow's invalid filters and orders with its messages", () => {
		const refusal = (fn: () => unknown) => {
			try {
				fn();
			} catch (e) {
				return e instanceof ApiError ? e.message : String(e);
			}
			return 'accepted';
		};
		expect(refusal(() => run('foo = 1'))).toContain("Invalid logged model search key 'foo'");
		expect(refusal(() => run("metrics.acc = 'x'"))).toContain('numeric value');
		expect(refusal(() => run('', [{ field: 'params.depth', ascending: true }]))).toContain('only `metrics.<name>` is allowed');
		expect(refusal(() => run('', [{ field: 'bogus', ascending: true }]))).toContain('Invalid order by field name: bogus');
		expect(refusal(() => parseSearchLoggedModelsRequest({ experiment_ids: ['1'], max_results: 0 }))).toContain('max_results');
		expect(refusal(() => parseSearchLoggedModelsRequest({}))).toContain('experiment_ids');
	});
});
