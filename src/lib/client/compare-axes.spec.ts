import { describe, expect, it } from 'vitest';
import type { MetricSummary, RunRow } from '../core/run-row';
import { readAxisChoices, readAxisLabel, readAxisValue, readConstantAxes, readDefaultParallelAxes, readDefaultScatterAxes } from './compare-axes';

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
			{ label: 'Params', choices: [{ id: 'params.lr', label: 'params.lr' }, { id: 'params.opt', label: 'params.opt' }, { id: 'params.seed', label: 'params.seed' }] },
			{
				label: 'Metrics',
				choices: [
					{ id: 'metrics.acc', label: 'metrics.acc' },
					{ id: 'metrics.acc@min', label: 'metrics.acc (min)' },
					{ id: 'metrics.acc@max', label: 'metrics.acc (max)' },
					{ id: 'metrics.loss', label: 'metrics.loss' },
					{ id: 'metrics.loss@min', label: 'metrics.loss (min)' },
					{ id: 'metrics.loss@max', label: 'metrics.loss (max)' }
				]
			},
			{ label: 'Tags', choices: [{ id: 'tags.team', label: 'tags.team' }] }
		]);
	});

	it('tells a param and a metric of the same name apart', () => {
		const r = row('r', { lr: '0.1' }, { lr: summary(0.2) });
		expect(readAxisChoices([r]).flatMap((g) => g.choices.map((c) => c.label))).toEqual(['params.lr', 'metrics.lr', 'metrics.lr (min)', 'metrics.lr (max)']);
		expect([readAxisLabel('params.lr'), readAxisLabel('metrics.lr@max'), readAxisLabel('tags.t')]).toEqual(['params.lr', 'metrics.lr (max)', 'tags.t']);
	});

	it('reads what a run holds for a column id', () => {
		expect(['params.lr', 'metrics.loss', 'metrics.loss@min', 'metrics.loss@max', 'tags.team', 'params.none', 'bogus'].map((id) => readAxisValue(a, id))).toEqual([
			'0.1', 0.3, 0.1, 0.9, 'x', undefined, undefined
		]);
	});

	it('defaults the scatter to the first differing param against the varying metric most runs hold, or the primary one', () => {
		expect(readDefaultScatterAxes([a, b])).toEqual({ x: 'params.lr', y: 'metrics.loss' });
		expect(readDefaultScatterAxes([a, b], 'metrics.acc')).toEqual({ x: 'params.lr', y: 'metrics.acc' });
		expect(readDefaultScatterAxes([a, b], 'params.seed')).toEqual({ x: 'params.lr', y: 'metrics.loss' });
		expect(readDefaultScatterAxes([a, a])).toEqual({ x: 'params.lr', y: 'metrics.acc' });
		expect(readDefaultScatterAxes([row('c', {}, { loss: summary(1), acc: summary(2) })])).toEqual({ x: 'metrics.loss', y: 'metrics.acc' });
		expect(readDefaultScatterAxes([])).toEqual({ x: null, y: null });
	});

	it('defaults parallel coordinates to the varying params, then the varying metrics, constant columns left out', () => {
		expect(readDefaultParallelAxes([a, b])).toEqual(['params.lr', 'params.opt', 'metrics.loss', 'metrics.acc']);
		expect(readDefaultParallelAxes([a, b], { primary: 'metrics.acc' })).toEqual(['params.lr', 'params.opt', 'metrics.acc', 'metrics.loss']);
		expect(readConstantAxes([a, b])).toEqual(['params.seed']);
		expect(readDefaultParallelAxes([a, b], { withConstant: true })).toEqual(['params.lr', 'params.opt', 'params.seed', 'metrics.loss', 'metrics.acc']);
		expect(readDefaultParallelAxes([a, a])).toEqual([]);
		expect(readDefaultParallelAxes([a])).toEqual(['params.lr', 'params.opt', 'params.seed', 'metrics.acc', 'metrics.loss']);
	});
});
