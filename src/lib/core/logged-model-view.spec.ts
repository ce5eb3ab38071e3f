import { describe, expect, it } from 'vitest';
import type { LoggedModelMetric, LoggedModelRecord } from './docs/logged-models';
import type { ModelVersionRecord, RegisteredModelRecord } from './docs/registry';
import {
	compileModelsFilter,
	groupMetricsByDataset,
	readKeyMetrics,
	readLoggedModelRows,
	readModelsUrlState,
	readVersionsOfModel,
	readVersionsOfRun,
	sortModelRows,
	writeModelsUrlState,
	type LoggedModelRow
} from './logged-model-view';

const RUN_A = 'a'.repeat(32);
const RUN_B = 'b'.repeat(32);
const metric = (key: string, value: number, timestamp: number, more: Partial<LoggedModelMetric> = {}): LoggedModelMetric => ({ key, value, timestamp, step: 0, ...more });

function record(modelId: string, over: Partial<LoggedModelRecord> = {}): LoggedModelRecord {
	return {
		modelId,
		experimentId: '1',
		name: modelId,
		modelType: '',
		sourceRunId: '',
		status: 'LOGGED_MODEL_READY',
		statusMessage: '',
		creationTime: 0,
		lastUpdateTime: 0,
		artifactLocation: '',
		lifecycle: 'active',
		paramCount: 0,
		tags: {},
		metrics: [],
		...over
	};
}

function version(over: Partial<ModelVersionRecord>): ModelVersionRecord {
	return { id: 'v', modelId: 'rm', name: 'fraud', version: 1, creationTime: 0, lastUpdateTime: 0, stage: 'None', description: null, source: '', storageLocation: '', runId: null, runLink: null, loggedModelId: null, tags: {}, aliases: [], ...over };
}

const registry: RegisteredModelRecord[] = [
	{
		id: 'rm',
		name: 'fraud',
		creationTime: 0,
		lastUpdateTime: 0,
		description: null,
		tags: {},
		aliases: [],
		nextVersion: 3,
		versions: [version({ id: 'v1', version: 1, loggedModelId: 'm-1', runId: RUN_A }), version({ id: 'v2', version: 2, runId: RUN_B, source: `runs:/${RUN_B}/model` })]
	}
];

const records = [
	record('m-1', { name: 'resnet', sourceRunId: RUN_A, creationTime: 10, tags: { team: 'vision' }, metrics: [metric('acc', 0.8, 1), metric('acc', 0.95, 2), metric('loss', 0.3, 1)] }),
	record('m-2', { name: 'vit', sourceRunId: RUN_B, creationTime: 20, status: 'LOGGED_MODEL_PENDING', metrics: [metric('acc', 0.7, 1)] }),
	record('m-3', { name: 'gone', creationTime: 30, lifecycle: 'deleted' }),
	record('m-4', { name: 'orphan', creationTime: 5 })
];
const runNames = new Map([
	[RUN_A, 'train-resnet'],
	[RUN_B, 'train-vit']
]);
const rows = readLoggedModelRows(records, runNames, registry, (id) => (id === 'm-1' ? ['sklearn', 'python_function'] : null));
const ids = (list: LoggedModelRow[]) => list.map((r) => r.modelId);

describe('readLoggedModelRows', () => {
	it('leaves deleted models out and reads run names, latest metrics and registered versions', () => {
		expect(ids(rows)).toEqual(['m-1', 'm-2', 'm-4']);
		expect(rows[0]).toMatchObject({ sourceRunName: 'train-resnet', flavors: ['sklearn', 'python_function'], metrics: { acc: 0.95, loss: 0.3 }, versions: [{ name: 'fraud', version: 1 }] });
		expect(rows[2]).toMatchObject({ sourceRunName: null, flavors: null, metrics: {}, versions: [] });
		expect(readKeyMetrics(rows)).toEqual(['acc', 'loss']);
		expect(readKeyMetrics(rows, 1)).toEqual(['acc']);
	});

	it('finds the versions made from a model or from a run', () => {
		expect(readVersionsOfModel(registry, 'm-1').map((v) => v.version)).toEqual([1]);
		expect(readVersionsOfRun(registry, RUN_B, new Set()).map((v) => v.version)).toEqual([2]);
		expect(readVersionsOfRun(registry, 'c'.repeat(32), new Set(['m-1'])).map((v) => v.version)).toEqual([1]);
	});
});

describe('compileModelsFilter', () => {
	const select = (q: string) => {
		const f = compileModelsFilter(q);
		if (!f.ok) throw new Error(f.error);
		return ids(rows.filter(f.test));
	};

	it('matches text against name, run name, flavor and id', () => {
		expect(select('')).toEqual(['m-1', 'm-2', 'm-4']);
		expect(select('RES')).toEqual(['m-1']);
		expect(select('train-vit')).toEqual(['m-2']);
		expect(select('sklearn')).toEqual(['m-1']);
		expect(select('m-4')).toEqual(['m-4']);
	});

	it('reads comparisons in the logged-model search grammar', () => {
		expect(select('metrics.acc > 0.9')).toEqual(['m-1']);
		expect(select("metrics.acc >= 0.7 and status = 'PENDING'")).toEqual(['m-2']);
		expect(select("tags.team = 'vision'")).toEqual(['m-1']);
		expect(select("name LIKE '%n%'")).toEqual(['m-1', 'm-4']);
	});

	it('says why a comparison cannot be read', () => {
		expect(compileModelsFilter('metrics.acc > ')).toMatchObject({ ok: false });
		expect(compileModelsFilter("params.lr = '0.1'")).toEqual({ ok: false, error: 'params.* cannot be filtered here: filter on metrics, tags, name or status' });
	});
});

describe('sortModelRows', () => {
	it('sorts by name, run, status, created and metrics, missing values last', () => {
		expect(ids(sortModelRows(rows, { column: 'name', desc: false }))).toEqual(['m-4', 'm-1', 'm-2']);
		expect(ids(sortModelRows(rows, { column: 'created', desc: true }))).toEqual(['m-2', 'm-1', 'm-4']);
		expect(ids(sortModelRows(rows, { column: 'metrics.acc', desc: true }))).toEqual(['m-1', 'm-2', 'm-4']);
		expect(ids(sortModelRows(rows, { column: 'metrics.acc', desc: false }))).toEqual(['m-2', 'm-1', 'm-4']);
		expect(ids(sortModelRows(rows, { column: 'run', desc: false }))).toEqual(['m-1', 'm-2', 'm-4']);
		expect(ids(sortModelRows(rows, { column: 'status', desc: false }))).toEqual(['m-2', 'm-1', 'm-4']);
	});
});

describe('models URL state', () => {
	it('round-trips filter and sort, leaving defaults and other parameters alone', () => {
		const base = new URLSearchParams('tab=models&q=x');
		const written = writeModelsUrlState({ filter: 'metrics.acc > 0.9', sort: { column: 'metrics.acc', desc: true } }, base);
		expect(written.get('q')).toBe('x');
		expect(readModelsUrlState(written)).toEqual({ filter: 'metrics.acc > 0.9', sort: { column: 'metrics.acc', desc: true } });
		expect(writeModelsUrlState(readModelsUrlState(new URLSearchParams()), base).toString()).toBe('tab=models&q=x');
		expect(readModelsUrlState(new URLSearchParams('msort=bogus')).sort).toEqual({ column: 'created', desc: true });
	});
});

describe('groupMetricsByDataset', () => {
	it('groups by dataset name and digest, metrics without a dataset first, latest value per key', () => {
		const groups = groupMetricsByDataset([
			metric('acc', 0.9, 1, { datasetName: 'test', datasetDigest: 'd2' }),
			metric('acc', 0.8, 1, { datasetName: 'eval', datasetDigest: 'd1' }),
			metric('acc', 0.85, 2, { datasetName: 'eval', datasetDigest: 'd1' }),
			metric('loss', 0.1, 1)
		]);
		expect(groups.map((g) => [g.datasetName, g.datasetDigest, g.metrics.map((m) => `${m.key}=${m.value}`)])).toEqual([
			[null, null, ['loss=0.1']],
			['eval', 'd1', ['acc=0.85']],
			['test', 'd2', ['acc=0.9']]
		]);
	});
});
