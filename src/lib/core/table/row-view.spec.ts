import { describe, expect, it } from 'vitest';
import { compileRunQuery } from '../query/run-query';
import { FIRST_SCREEN_ROWS, formatRowViewKey, parseFirstScreenRequest, readsClock, readTableRowView, readViewMatches } from './row-view';
import { createTestRow as row } from './row-fixture';

const q = (s: string) => new URLSearchParams(s);

describe('row views', () => {
	it('read filter, sort, group and the deleted toggle; bad parts fall back to their defaults', () => {
		expect(readTableRowView(q('q=x&sort=-metrics.loss@min&group=tags.team&deleted=1'))).toEqual({ filter: 'x', sort: { column: 'metrics.loss@min', desc: true }, group: 'tags.team', showDeleted: true });
		expect(readTableRowView(q('sort=bogus&group=metrics.loss&deleted=yes'))).toEqual({ filter: '', sort: null, group: null, showDeleted: false });
	});

	it('are keyed by what orders their rows; grouped views have no key', () => {
		expect(formatRowViewKey(readTableRowView(q('q=x&sort=name&cols=a')))).toBe(formatRowViewKey(readTableRowView(q('sort=name&q=x'))));
		expect(formatRowViewKey(readTableRowView(q('group=params.lr')))).toBeNull();
	});

	it('read the clock only when they sort or filter on durations', () => {
		expect(readsClock(readTableRowView(q('sort=duration')))).toBe(true);
		expect(readsClock(readTableRowView(q('q=duration > 5')))).toBe(true);
		expect(readsClock(readTableRowView(q('sort=-metrics.loss&q=status = "FINISHED"')))).toBe(false);
	});
});

describe('first-screen requests', () => {
	it('default to FIRST_SCREEN_ROWS and parse the filter', () => {
		const r = parseFirstScreenRequest(q('q=metrics.loss < 1'));
		expect(r.limit).toBe(FIRST_SCREEN_ROWS);
		expect(r.query.type).toBe('compare');
	});

	it('refuse bad limits, bad filters and grouped views', () => {
		for (const bad of ['limit=0', 'limit=501', 'limit=2e2', 'q=(', 'group=params.lr']) expect(() => parseFirstScreenRequest(q(bad)), bad).toThrow(/limit|filter|grouped/);
	});

	it('match the rows the table shows: filtered, sorted, deleted runs only when asked; total counts active runs', () => {
		const rows = [row({ name: 'b', params: { lr: '0.1' } }), row({ name: 'a', params: { lr: '0.01' }, lifecycle: 'deleted' }), row({ name: 'c', params: { lr: '1' } })];
		const read = (s: string) => {
			const r = parseFirstScreenRequest(q(s));
			const m = readViewMatches(rows, r.view, r.query.type === 'all' ? null : compileRunQuery(r.query, { now: 0 }), 0);
			return [m.matched.map((x) => x.name), m.total];
		};
		expect(read('')).toEqual([['c', 'b'], 2]);
		expect(read('sort=params.lr&deleted=1')).toEqual([['a', 'b', 'c'], 2]);
		expect(read('q=params.lr > 0.05&sort=-name')).toEqual([['c', 'b'], 2]);
	});

	it('draw top-level rows with each parent folded and its child count; matching children show under their parent', () => {
		const parent = row({ name: 'sweep' });
		const kids = [0, 1, 2].map((i) => row({ name: `trial-${i}`, params: { lr: String(i) }, tags: { 'mlflow.parentRunId': parent.run_id } }));
		const lone = row({ name: 'lone' });
		const rows = [parent, ...kids, lone];
		const read = (s: string) => {
			const r = parseFirstScreenRequest(q(s));
			const m = readViewMatches(rows, r.view, r.query.type === 'all' ? null : compileRunQuery(r.query, { now: 0 }), 0);
			return m.drawn.map((x, i) => [x.name, m.children[i]]);
		};
		expect(read('sort=name')).toEqual([['lone', 0], ['sweep', 3]]);
		expect(read('q=params.lr > 0')).toEqual([['sweep', 2], ['trial-2', 0], ['trial-1', 0]]); // the parent shown open, for its matches
	});
});
