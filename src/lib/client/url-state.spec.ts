import { describe, expect, it } from 'vitest';
import { EMPTY_TABLE_STATE, MAX_URL_SELECTION, formatQuery, readTableUrlState, writeTableUrlState, type TableUrlState } from './url-state';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('table URL state', () => {
	it('round-trips a full view', () => {
		const state: TableUrlState = {
			filter: "metrics.loss < 0.1 and params.opt = 'adam'",
			sort: { column: 'metrics.loss@min', desc: true },
			columns: ['name', 'params.opt', 'metrics.loss@min', 'tags.team x'],
			pinned: ['name', 'params.opt'],
			group: 'tags.team x',
			selected: [A, B],
			hidden: [B],
			expanded: [A],
			widths: { name: 300, 'metrics.loss@min': 90 },
			showDeleted: true
		};
		const params = writeTableUrlState(state);
		expect(readTableUrlState(new URLSearchParams(formatQuery(params)))).toEqual(state);
		expect(formatQuery(params)).toContain(`sel=${A},${B}`);
		expect(formatQuery(params)).toContain(`hide=${B}`);
		expect(formatQuery(params)).toContain(`open=${A}`);
		expect(formatQuery(params)).toContain('w=name:300,metrics.loss%40min:90');
	});

	it('reads only widths of real columns, in whole px within range', () => {
		const s = readTableUrlState(new URLSearchParams('w=name:300,bogus:100,params.lr:20,metrics.x:abc,tags.t:5000,metrics.y:150,:10'));
		expect(s.widths).toEqual({ name: 300, 'metrics.y': 150 });
	});

	it('leaves defaults out and keeps unrelated parameters', () => {
		const params = writeTableUrlState({ ...EMPTY_TABLE_STATE, pinned: ['name'] }, new URLSearchParams('x=1&q=old&sort=name'));
		expect(params.toString()).toBe('x=1');
		expect(readTableUrlState(params)).toEqual(EMPTY_TABLE_STATE);
	});

	it('drops invalid parts instead of failing', () => {
		const s = readTableUrlState(new URLSearchParams('sort=-bogus&cols=name,nope,params.lr,params.lr&group=metrics.loss&sel=xyz,' + A + ',' + A + '&hide=nope,' + B + '&deleted=yes'));
		expect(s).toEqual({ ...EMPTY_TABLE_STATE, columns: ['name', 'params.lr'], selected: [A], hidden: [B] });
	});

	it('keeps an empty column list (distinct from the default) and caps selections', () => {
		expect(readTableUrlState(new URLSearchParams('cols=')).columns).toEqual([]);
		const many = Array.from({ length: MAX_URL_SELECTION + 1 }, (_, i) => i.toString(16).padStart(32, '0'));
		expect(writeTableUrlState({ ...EMPTY_TABLE_STATE, selected: many }).has('sel')).toBe(false);
	});
});
