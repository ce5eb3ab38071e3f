import { describe, expect, it } from 'vitest';
import * as prng from 'lib0/prng';
import type { RunRow } from '../run-row';
import { createTestRow as row } from './row-fixture';
import { compileRunQuery, parseRunQuery } from '../query/run-query';
import { compareByKeys, createSortKeys, createTableView, NO_VALUE_GROUP, type TableViewInput } from './table-view';

const m = (last: number) => ({ loss: { last, min: last, max: last, count: 1, step: 0, timestamp: 0 } });
const base = (rows: RunRow[]): TableViewInput => ({ rows, filter: null, showDeleted: false, sort: null, group: null, collapsed: new Set(), expanded: new Set(), now: 0 });
const names = (input: TableViewInput) => createTableView(input).items.map((i) => (i.type === 'run' ? i.row.name : `[${i.label} ${i.count}]`));

describe('sorting', () => {
	const rows = [
		row({ name: 'a', metrics: m(0.5), params: { lr: '0.01' } }),
		row({ name: 'b', metrics: m(NaN), params: { lr: '1e-3' } }),
		row({ name: 'c', params: { lr: 'auto' } }),
		row({ name: 'd', metrics: m(-2), params: { lr: '0.1' } }),
		row({ name: 'e', metrics: m(10), params: { lr: '' } })
	];
	it('numbers by value, NaN then missing last in both directions', () => {
		const sort = (desc: boolean) => names({ ...base(rows), sort: { column: { kind: 'metric', key: 'loss', agg: 'last' }, desc } });
		expect(sort(false)).toEqual(['d', 'a', 'e', 'b', 'c']);
		expect(sort(true)).toEqual(['e', 'a', 'd', 'b', 'c']);
	});
	it('numeric text as numbers, before other text; empty counts as missing', () => {
		const sort = (desc: boolean) => names({ ...base(rows), sort: { column: { kind: 'param', key: 'lr' }, desc } });
		expect(sort(false)).toEqual(['b', 'a', 'd', 'c', 'e']);
		expect(sort(true)).toEqual(['d', 'a', 'b', 'c', 'e']);
	});
	it('text with numbers in it naturally (run-2 before run-10), newest first by default', () => {
		const r = [row({ name: 'run-10' }), row({ name: 'run-2' }), row({ name: 'Run-3' })];
		expect(names({ ...base(r), sort: { column: { kind: 'attr', key: 'name' }, desc: false } })).toEqual(['run-2', 'Run-3', 'run-10']);
		expect(names(base(r))).toEqual(['Run-3', 'run-2', 'run-10']);
	});
	it('is a total, stable order on random keys (seeded)', () => {
		const seed = 1234;
		const gen = prng.create(seed);
		const values = Array.from({ length: 300 }, () => {
			const k = prng.uint32(gen, 0, 4);
			return k === 0 ? undefined : k === 1 ? NaN : k === 2 ? String(prng.uint32(gen, 0, 50)) : prng.int32(gen, -5, 5);
		});
		const keys = createSortKeys(values.length, (i) => values[i]);
		for (const desc of [false, true]) {
			const order = values.map((_, i) => i).sort((a, b) => compareByKeys(keys, a, b, desc));
			for (let i = 1; i < order.length; i++) {
				const c = compareByKeys(keys, order[i - 1], order[i], desc);
				expect(c, `seed ${seed}`).toBeLessThan(0);
			}
		}
	});
});

describe('text sort', () => {
	const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
	const sortText = (values: string[]) => {
		const keys = createSortKeys(values.length, (i) => values[i]);
		return { keys, order: values.map((_, i) => i).sort((a, b) => compareByKeys(keys, a, b, false)).map((i) => values[i]) };
	};

	it('orders ASCII names through keys, as the collator would', () => {
		const names = ['run-10', 'run-9', 'Run-2', 'run_1', 'alpha', 'Alpha', 'beta-lr0.01', 'beta-lr0.001'];
		const { keys, order } = sortText(names);
		expect(keys.textKeys).toBe(true);
		expect(order).toEqual(names.slice().sort(collator.compare));
	});

	it('falls back to the collator for every value when one is not printable ASCII', () => {
		const names = ['run-10', 'café', 'run-9', 'Zoë', 'cafe'];
		const { keys, order } = sortText(names);
		expect(keys.textKeys).toBe(false);
		expect(order).toEqual(names.slice().sort(collator.compare));
	});
});

describe('filtering and groups', () => {
	const rows = [
		row({ name: 'a', params: { opt: 'adam' }, metrics: m(0.05) }),
		row({ name: 'b', params: { opt: 'sgd' }, metrics: m(0.5) }),
		row({ name: 'c', params: { opt: 'adam' }, metrics: m(0.01), lifecycle: 'deleted' }),
		row({ name: 'd', metrics: m(0.02) }),
		row({ name: 'e', params: { opt: '10' } }),
		row({ name: 'f', params: { opt: '9' } })
	];
	const q = parseRunQuery('metrics.loss < 0.1');
	if (!q.ok) throw new Error(q.error);
	const filter = compileRunQuery(q.query);
	it('applies the compiled filter and hides deleted runs unless asked', () => {
		expect(names({ ...base(rows), filter })).toEqual(['d', 'a']);
		expect(names({ ...base(rows), filter, showDeleted: true })).toEqual(['d', 'c', 'a']);
	});
	it('groups by a param: numeric-aware group order, no-value group last, counts, collapsed groups show only headers', () => {
		const group = { kind: 'param', key: 'opt' } as const;
		expect(names({ ...base(rows), group })).toEqual(['[9 1]', 'f', '[10 1]', 'e', '[adam 1]', 'a', '[sgd 1]', 'b', '[(no value) 1]', 'd']);
		const view = createTableView({ ...base(rows), group, collapsed: new Set(['adam', NO_VALUE_GROUP]) });
		expect(view.items.map((i) => (i.type === 'run' ? i.row.name : i.label))).toEqual(['9', 'f', '10', 'e', 'adam', 'sgd', 'b', '(no value)']);
		expect(view.matched.map((r) => r.name)).toEqual(['f', 'e', 'd', 'b', 'a']);
	});
});
