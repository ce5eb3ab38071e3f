import { describe, expect, it } from 'vitest';
import type { RunRow } from '$lib/core/run-row';
import {
	createColumns,
	formatColumnId,
	moveColumnId,
	orderColumnIds,
	parseColumnId,
	readAvailableColumnIds,
	readCellValue,
	readColumnKeys,
	readColumnLabel,
	readDefaultColumnIds
} from './columns';

function row(over: Partial<RunRow>): RunRow {
	return {
		run_id: 'a'.repeat(32),
		experiment_id: '1',
		name: 'r',
		status: 'FINISHED',
		lifecycle: 'active',
		user: 'ann',
		start_time: 1_000,
		end_time: 61_000,
		artifact_uri: '',
		params: {},
		tags: {},
		metrics: {},
		...over
	};
}

const summary = (last: number, min: number, max: number) => ({ last, min, max, count: 3, step: 2, timestamp: 5 });

describe('column ids', () => {
	it('round-trip attributes, params, tags and metric aggregates, keys with dots and spaces included', () => {
		for (const id of ['name', 'duration', 'params.lr', 'params.optim.beta 1', 'tags.team', 'metrics.loss', 'metrics.val/loss.x@min', 'metrics.acc@max']) {
			const spec = parseColumnId(id);
			expect(spec, id).not.toBeNull();
			expect(formatColumnId(spec!)).toBe(id);
		}
		expect(parseColumnId('metrics.loss@min')).toEqual({ kind: 'metric', key: 'loss', agg: 'min' });
		expect(parseColumnId('params.a.b')).toEqual({ kind: 'param', key: 'a.b' });
	});

	it('rejects anything else', () => {
		for (const id of ['', 'bogus', 'params.', 'metrics.loss@avg', 'metrics.@min', 'foo.bar', 'params.../x', 'tags.a,b']) {
			expect(parseColumnId(id), id).toBeNull();
		}
	});

	it('labels metrics with their aggregate', () => {
		expect(readColumnLabel({ kind: 'metric', key: 'loss', agg: 'min' })).toBe('loss (min)');
		expect(readColumnLabel({ kind: 'metric', key: 'loss', agg: 'last' })).toBe('loss');
		expect(readColumnLabel({ kind: 'attr', key: 'start' })).toBe('Started');
	});
});

describe('cell values', () => {
	const r = row({ params: { lr: '0.1' }, tags: { team: 'vision' }, metrics: { loss: summary(0.2, 0.1, 0.9) } });
	it('read params, tags, metric aggregates and durations (running runs use now)', () => {
		expect(readCellValue(r, { kind: 'param', key: 'lr' }, 0)).toBe('0.1');
		expect(readCellValue(r, { kind: 'tag', key: 'team' }, 0)).toBe('vision');
		expect(readCellValue(r, { kind: 'metric', key: 'loss', agg: 'last' }, 0)).toBe(0.2);
		expect(readCellValue(r, { kind: 'metric', key: 'loss', agg: 'min' }, 0)).toBe(0.1);
		expect(readCellValue(r, { kind: 'metric', key: 'loss', agg: 'max' }, 0)).toBe(0.9);
		expect(readCellValue(r, { kind: 'attr', key: 'duration' }, 0)).toBe(60_000);
		expect(readCellValue(row({ end_time: null }), { kind: 'attr', key: 'duration' }, 11_000)).toBe(10_000);
	});
	it('are undefined when missing, including inherited object keys', () => {
		expect(readCellValue(r, { kind: 'param', key: 'toString' }, 0)).toBeUndefined();
		expect(readCellValue(r, { kind: 'metric', key: 'acc', agg: 'last' }, 0)).toBeUndefined();
		expect(readCellValue(row({ user: '' }), { kind: 'attr', key: 'user' }, 0)).toBeUndefined();
	});
});

describe('column sets', () => {
	const rows = [
		row({ params: { lr: '1', bs: '2' }, metrics: { loss: summary(1, 1, 1) } }),
		row({ params: { lr: '1' }, tags: { 'mlflow.user': 'x', team: 'a' }, metrics: { 'acc 2': summary(1, 1, 1), 'acc 10': summary(1, 1, 1) } })
	];
	const keys = readColumnKeys(rows);
	it('collects sorted keys (numeric-aware)', () => {
		expect(keys).toEqual({ params: ['bs', 'lr'], tags: ['mlflow.user', 'team'], metrics: ['acc 2', 'acc 10', 'loss'] });
	});
	it('defaults to the basics, every metric and every param', () => {
		expect(readDefaultColumnIds(keys)).toEqual(['name', 'status', 'user', 'start', 'duration', 'metrics.acc 2', 'metrics.acc 10', 'metrics.loss', 'params.bs', 'params.lr']);
	});
	it('offers every attribute, metric aggregate, param and tag', () => {
		const all = readAvailableColumnIds(keys);
		expect(all).toContain('metrics.loss@max');
		expect(all).toContain('tags.team');
		expect(all).toContain('run_id');
		expect(all).toHaveLength(7 + 9 + 2 + 2);
	});
	it('puts pinned columns first, drops bad and duplicate ids, always keeps name', () => {
		const cols = createColumns(['status', 'metrics.loss', 'bogus', 'status', 'params.lr'], new Set(['params.lr', 'name']));
		expect(cols.map((c) => [c.id, c.pinned])).toEqual([
			['name', true],
			['params.lr', true],
			['status', false],
			['metrics.loss', false]
		]);
		expect(cols[3].numeric).toBe(true);
	});
	it('moves a column within its block (pinned or not) of the display order', () => {
		const pinned = new Set(['name', 'params.lr']);
		const ids = ['name', 'status', 'params.lr', 'user'];
		expect(orderColumnIds(ids, pinned)).toEqual(['name', 'params.lr', 'status', 'user']);
		expect(moveColumnId(ids, pinned, 'user', -1)).toEqual(['name', 'params.lr', 'user', 'status']);
		expect(moveColumnId(ids, pinned, 'status', -5)).toEqual(['name', 'params.lr', 'status', 'user']);
		expect(moveColumnId(ids, pinned, 'params.lr', -1)).toEqual(['params.lr', 'name', 'status', 'user']);
		expect(moveColumnId(ids, pinned, 'params.lr', 1)).toEqual(['name', 'params.lr', 'status', 'user']);
	});
});
