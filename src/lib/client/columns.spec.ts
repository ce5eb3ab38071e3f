import { describe, expect, it } from 'vitest';
import { createTestRow as row } from '../core/table/row-fixture';
import {
	createColumns,
	moveColumnId,
	orderColumnIds,
	readAvailableColumnIds,
	readColumnKeys,
	readColumnLabel,
	readDefaultColumnIds
} from './columns';

const summary = (last: number, min: number, max: number) => ({ last, min, max, count: 3, step: 2, timestamp: 5 });

describe('column labels', () => {
	it('labels metrics with their aggregate', () => {
		expect(readColumnLabel({ kind: 'metric', key: 'loss', agg: 'min' })).toBe('loss (min)');
		expect(readColumnLabel({ kind: 'metric', key: 'loss', agg: 'last' })).toBe('loss');
		expect(readColumnLabel({ kind: 'attr', key: 'start' })).toBe('Started');
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
