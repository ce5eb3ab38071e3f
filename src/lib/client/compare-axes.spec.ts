import { describe, expect, it } from 'vitest';
import type { MetricSummary, RunRow } from '../core/run-row';
import { readAxisChoices, readAxisValue, readDefaultParallelAxes, readDefaultScatterAxes } from './compare-axes';

function summary(last: number, min = last, max = last): MetricSummary {
	return { last, min, max, count: 1, step: 0, timestamp: 0 };
}

function row(id: string, params: Record<string, string>, metrics: Record<string, MetricSummary>, tags: Record<string, string> = {}): RunRow {
	return {
		run_id: id.padStart(32, '0'),
		experiment_id: '1',
		name: id,
		status: 'FINISHED',
		lifecycle: 'active',
		user: '',
		start_time: 0,
		end_time: null,
		artifact_uri: '',
		params,
		tags,
		metrics
	};
}

const a = row('a', { seed: '1', lr: '0.1', opt: 'adam' }, { loss: summary(0.3, 0.1, 0.9), acc: summary(0.8) }, { team: 'x', 'mlflow.user': 'u' });
const b = row('b', { seed: '1', lr: '0.01', opt: 'sgd' }, { loss: summary(0.2) });

describe('compare axes', () => {
	it('offers params, every metric summary and non-system tags, grouped', () => {
		expect(readAxisChoices([a, b])).toEqual([
			{ label: 'Params', choices: [{ id: 'params.lr', label: 'lr' }, { id: 'params.opt', label: 'opt' }, { id: 'params.seed', label: 'seed' }] },
			{
				label: 'Metrics',
				choices: [
					{ id: 'metrics.acc', label: 'acc' },
					{ id: 'metrics.acc@min', label: 'acc (min)' },
					{ id: 'metrics.acc@max', label: 'acc (max)' },
					{ id: 'metrics.loss', label: 'loss' },
					{ id: 'metrics.loss@min', label: 'loss (min)' },
					{ id: 'metrics.loss@max', label: 'loss (max)' }
				]
			},
			{ label: 'Tags', choices: [{ id: 'tags.team', label: 'team' }] }
		]);
	});

	it('reads what a run holds for a column id', () => {
		expect(['params.lr', 'metrics.loss', 'metrics.loss@min', 'metrics.loss@max', 'tags.team', 'params.none', 'bogus'].map((id) => readAxisValue(a, id))).toEqual([
			'0.1', 0.3, 0.1, 0.9, 'x', undefined, undefined
		]);
	});

	it('defaults the scatter to the first differing param against the first metric', () => {
		expect(readDefaultScatterAxes([a, b])).toEqual({ x: 'params.lr', y: 'metrics.acc' });
		expect(readDefaultScatterAxes([a, a])).toEqual({ x: 'params.lr', y: 'metrics.acc' });
		expect(readDefaultScatterAxes([row('c', {}, { loss: summary(1), acc: summary(2) })])).toEqual({ x: 'metrics.acc', y: 'metrics.loss' });
		expect(readDefaultScatterAxes([])).toEqual({ x: null, y: null });
	});

	it('defaults parallel coordinates to the differing params, then the metrics', () => {
		expect(readDefaultParallelAxes([a, b])).toEqual(['params.lr', 'params.opt', 'metrics.acc', 'metrics.loss']);
		expect(readDefaultParallelAxes([a, a])).toEqual(['params.lr', 'params.opt', 'params.seed', 'metrics.acc', 'metrics.loss']);
	});
});
