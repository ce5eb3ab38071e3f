import { describe, expect, it } from 'vitest';
import type { RunRow } from '../run-row';
import { parseExperimentOrderBy, parseMlflowOrderBy } from './mlflow-order';
import type { ExperimentRow } from './experiment-filter';

function createRow(id: string, over: Partial<RunRow> = {}): RunRow {
	return {
		run_id: id,
		experiment_id: '1',
		name: `run-${id}`,
		status: 'FINISHED',
		lifecycle: 'active',
		user: 'ada',
		start_time: 1_000,
		end_time: 2_000,
		artifact_uri: '',
		params: {},
		tags: {},
		metrics: {},
		...over
	};
}

function withLoss(id: string, loss: number | undefined, start = 1_000): RunRow {
	const metrics: RunRow['metrics'] = loss === undefined ? {} : { loss: { last: loss, min: loss, max: loss, count: 1, step: 0, timestamp: 0 } };
	return createRow(id, { metrics, start_time: start });
}

function order(items: string[], rows: RunRow[]): string[] {
	const r = parseMlflowOrderBy(items);
	if (!r.ok) throw new Error(r.error);
	return [...rows].sort(r.compare).map((x) => x.run_id);
}

function errorOf(items: string[]): string {
	const r = parseMlflowOrderBy(items);
	if (r.ok) throw new Error(`expected ${items} to fail`);
	return r.error;
}

describe('parseMlflowOrderBy', () => {
	it('defaults to start_time DESC, then run_id ASC', () => {
		const rows = [createRow('b', { start_time: 5 }), createRow('a', { start_time: 5 }), createRow('c', { start_time: 9 })];
		expect(order([], rows)).toEqual(['c', 'a', 'b']);
	});

	it('sorts by a metric in both directions with NaN and then missing values last', () => {
		const rows = [withLoss('m', undefined), withLoss('n', NaN), withLoss('a', 0.3), withLoss('b', 0.1), withLoss('c', 0.2)];
		expect(order(['metrics.loss ASC'], rows)).toEqual(['b', 'c', 'a', 'n', 'm']);
		expect(order(['metrics.loss'], rows)).toEqual(['b', 'c', 'a', 'n', 'm']);
		expect(order(['metrics.loss DESC'], rows)).toEqual(['a', 'c', 'b', 'n', 'm']);
	});

	it('breaks ties with the next key, then the natural order', () => {
		const rows = [withLoss('x', 1, 10), withLoss('y', 1, 20), withLoss('z', 0, 5)];
		expect(order(['metrics.loss desc'], rows)).toEqual(['y', 'x', 'z']);
		const tagged = [
			createRow('p', { params: { lr: '0.1' }, tags: { t: 'b' } }),
			createRow('q', { params: { lr: '0.1' }, tags: { t: 'a' } }),
			createRow('r', { params: { lr: '0.01' } })
		];
		expect(order(['params.lr DESC', 'tags.t'], tagged)).toEqual(['q', 'p', 'r']);
	});

	it('orders by attributes, aliases and quoted keys', () => {
		const rows = [createRow('a', { name: 'zeta', end_time: null }), createRow('b', { name: 'alpha', end_time: 3 }), createRow('c', { name: 'mid', end_time: 1 })];
		expect(order(['attributes.run_name'], rows)).toEqual(['b', 'c', 'a']);
		expect(order(['end_time DESC'], rows)).toEqual(['b', 'c', 'a']);
		expect(order(['attribute.end_time ASC'], rows)).toEqual(['c', 'b', 'a']);
		const starts = [createRow('a', { start_time: 2 }), createRow('b', { start_time: 1 })];
		expect(order(['created ASC'], starts)).toEqual(['b', 'a']);
		const keyed = [createRow('a', { params: { 'my key': '2' } }), createRow('b', { params: { 'my key': '1' } })];
		expect(order(['params.`my key` ASC'], keyed)).toEqual(['b', 'a']);
		expect(order(['params."my key" DESC'], keyed)).toEqual(['a', 'b']);
	});

	it('rejects unknown keys, directions and entities', () => {
		expect(errorOf(['attributes.owner'])).toMatch(/^Invalid attribute key 'owner' specified/);
		expect(errorOf(['metrics.loss UP'])).toBe("Invalid ordering key in order_by clause 'metrics.loss UP'.");
		expect(errorOf(['metrics.loss ASC extra'])).toBe("Invalid order_by clause 'metrics.loss ASC extra'. Could not be parsed.");
		expect(errorOf(['bogus.loss'])).toMatch(/^Invalid entity type 'bogus'/);
		expect(errorOf(['datasets.name'])).toBe("Invalid order_by entity type 'dataset'");
		expect(errorOf(['"run name"'])).toMatch(/^Invalid attribute key 'run name'/);
	});
});

function createExperiment(id: string, over: Partial<ExperimentRow> = {}): ExperimentRow {
	return { experiment_id: id, name: `exp-${id}`, tags: {}, creation_time: 0, last_update_time: 0, ...over };
}

describe('parseExperimentOrderBy', () => {
	function sortIds(items: string[], rows: ExperimentRow[]): string[] {
		const r = parseExperimentOrderBy(items);
		if (!r.ok) throw new Error(r.error);
		return [...rows].sort(r.compare).map((x) => x.experiment_id);
	}

	it('defaults to creation_time DESC then experiment_id ASC', () => {
		const rows = [createExperiment('2', { creation_time: 5 }), createExperiment('1', { creation_time: 5 }), createExperiment('3', { creation_time: 1 })];
		expect(sortIds([], rows)).toEqual(['1', '2', '3']);
	});

	it('breaks ties by experiment_id DESC, comparing ids as numbers', () => {
		const rows = [createExperiment('9', { name: 'x' }), createExperiment('100000000000000000', { name: 'x' }), createExperiment('0', { name: 'a' })];
		expect(sortIds(['name'], rows)).toEqual(['0', '100000000000000000', '9']);
		expect(sortIds(['experiment_id ASC'], rows)).toEqual(['0', '9', '100000000000000000']);
		expect(sortIds(['last_update_time DESC'], [createExperiment('1', { last_update_time: 1 }), createExperiment('2', { last_update_time: 2 })])).toEqual(['2', '1']);
	});

	it('rejects tags and unknown keys', () => {
		const tag = parseExperimentOrderBy(['tags.owner']);
		expect(tag.ok ? '' : tag.error).toBe('Invalid order_by entity: tag');
		const key = parseExperimentOrderBy(['artifact_location']);
		expect(key.ok ? '' : key.error).toMatch(/^Invalid attribute key 'artifact_location' specified/);
		const entity = parseExperimentOrderBy(['attributes.name']);
		expect(entity.ok ? '' : entity.error).toBe("Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')");
	});
});
