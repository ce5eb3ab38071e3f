import { describe, expect, it } from 'vitest';
import type { MetricSummary } from '../run-row';
import { createDiffRows, filterDifferences, readMetricGoal, type DiffRun } from './diff';

function summary(last: number, min = last, max = last): MetricSummary {
	return { last, min, max, count: 1, step: 0, timestamp: 0 };
}

function run(params: Record<string, string>, metrics: Record<string, MetricSummary> = {}, tags: Record<string, string> = {}): DiffRun {
	return { params, metrics, tags };
}

describe('createDiffRows', () => {
	const a = run({ optimizer: 'adam', lr: '0.01', seed: '1' }, { loss: summary(0.3, 0.2, 0.9), acc: summary(0.8) }, { team: 'vision' });
	const b = run({ optimizer: 'sgd', lr: '0.1', seed: '1' }, { loss: summary(0.1, 0.1, 0.7), acc: summary(0.7) }, { team: 'vision' });
	const c = run({ optimizer: 'adam', lr: '0.001', seed: '1', warmup: '10' }, { loss: summary(0.5, 0.4, 1.2) });

	it('lists params, then metrics, then tags, keys sorted, values in run order, missing as undefined', () => {
		const rows = createDiffRows([a, b, c], { tags: true });
		expect(rows.map((r) => `${r.section}:${r.key}`)).toEqual([
			'param:lr', 'param:optimizer', 'param:seed', 'param:warmup', 'metric:acc', 'metric:loss', 'tag:team'
		]);
		expect(rows[1].values).toEqual(['adam', 'sgd', 'adam']);
		expect(rows[3].values).toEqual([undefined, undefined, '10']);
		expect(rows[4].values).toEqual([0.8, 0.7, undefined]);
		expect(rows[6].values).toEqual(['vision', 'vision', undefined]);
	});

	it('marks rows where runs disagree; a missing value disagrees; "differences only" keeps exactly those', () => {
		const rows = createDiffRows([a, b, c], { tags: true });
		const differing = filterDifferences(rows).map((r) => r.key);
		expect(differing).toEqual(['lr', 'optimizer', 'warmup', 'acc', 'loss', 'team']);
		expect(rows.find((r) => r.key === 'seed')!.differs).toBe(false);
		expect(createDiffRows([a, a]).every((r) => !r.differs)).toBe(true);
	});

	it('ranks metric rows by their goal: lower loss is best, higher accuracy is best', () => {
		const rows = createDiffRows([a, b, c]);
		const loss = rows.find((r) => r.key === 'loss')!;
		expect(loss.goal).toBe('min');
		expect(loss.best).toEqual([1]);
		expect(loss.worst).toEqual([2]);
		const acc = rows.find((r) => r.key === 'acc')!;
		expect(acc.goal).toBe('max');
		expect(acc.best).toEqual([0]);
		expect(acc.worst).toEqual([1]);
	});

	it('shows the chosen summary (min/max) and honours a chosen goal', () => {
		const rows = createDiffRows([a, b, c], { metricValue: 'max', goals: { loss: 'max' } });
		const loss = rows.find((r) => r.key === 'loss')!;
		expect(loss.values).toEqual([0.9, 0.7, 1.2]);
		expect(loss.best).toEqual([2]);
		expect(loss.worst).toEqual([1]);
		expect(createDiffRows([a, b, c], { metricValue: 'min' }).find((r) => r.key === 'loss')!.values).toEqual([0.2, 0.1, 0.4]);
	});

	it('keeps every tied run as best or worst, and ranks nothing when fewer than two values differ', () => {
		const rows = createDiffRows([run({}, { loss: summary(1) }), run({}, { loss: summary(2) }), run({}, { loss: summary(1) }), run({}, { loss: summary(2) })]);
		expect(rows[0].best).toEqual([0, 2]);
		expect(rows[0].worst).toEqual([1, 3]);
		const one = createDiffRows([run({}, { loss: summary(1) }), run({}, {})])[0];
		expect(one.differs).toBe(true);
		expect(one.best).toEqual([]);
		expect(one.worst).toEqual([]);
	});

	it('treats NaN as equal to NaN and leaves it out of the ranking; infinities rank', () => {
		const nan = createDiffRows([run({}, { loss: summary(NaN) }), run({}, { loss: summary(NaN) })])[0];
		expect(nan.differs).toBe(false);
		const mixed = createDiffRows([run({}, { loss: summary(NaN) }), run({}, { loss: summary(Infinity) }), run({}, { loss: summary(3) })])[0];
		expect(mixed.best).toEqual([2]);
		expect(mixed.worst).toEqual([1]);
		expect(mixed.numeric).toBe(true);
	});

	it('calls a param row numeric only when every present value reads as a number', () => {
		const rows = createDiffRows([run({ lr: '1e-3', opt: 'adam', n: '10' }), run({ lr: '.5', opt: '3', n: '' })]);
		expect(Object.fromEntries(rows.map((r) => [r.key, r.numeric]))).toEqual({ lr: true, n: false, opt: false });
	});

	it('leaves tags out unless asked, and filters their keys', () => {
		const x = run({}, {}, { team: 'a', 'mlflow.source.name': 'train.py' });
		expect(createDiffRows([x]).some((r) => r.section === 'tag')).toBe(false);
		expect(createDiffRows([x], { tags: true, includeTag: (k) => !k.startsWith('mlflow.') }).map((r) => r.key)).toEqual(['team']);
	});

	it('sorts keys numeric-aware', () => {
		expect(createDiffRows([run({ layer10: 'x', layer2: 'y', layer1: 'z' })]).map((r) => r.key)).toEqual(['layer1', 'layer2', 'layer10']);
	});
});

describe('readMetricGoal', () => {
	it('reads higher-is-better words from the key, else lower-is-better', () => {
		const want: Record<string, 'min' | 'max'> = {
			loss: 'min',
			'val/loss': 'min',
			train_error: 'min',
			epoch_time: 'min',
			accuracy: 'max',
			'val/top1_acc': 'max',
			acc5: 'max',
			f1: 'max',
			mAP: 'max',
			bitmap_size: 'min',
			'eval.reward': 'max'
		};
		expect(Object.fromEntries(Object.keys(want).map((k) => [k, readMetricGoal(k)]))).toEqual(want);
	});
});
