import { describe, expect, it } from 'vitest';
import type { RunRow } from '../run-row';
import { createTestRow } from './row-fixture';
import { compileRunQuery, parseRunQuery } from '../query/run-query';
import { createForestItems, markContextAncestors, readParentIndices, SHOWN } from './run-tree';
import { createTableItems, createTableOrder, createTableView, type TableViewInput } from './table-view';

const PARENT = 'mlflow.parentRunId';
/** A row named `name`, child of `parent` when given; `over` adds fields. */
const row = (name: string, parent?: RunRow, over: Partial<RunRow> = {}) =>
	createTestRow({ name, ...over, tags: { ...(parent ? { [PARENT]: parent.run_id } : {}), ...over.tags } });
const byName = (input: Partial<TableViewInput> & Pick<TableViewInput, 'rows'>): TableViewInput => ({
	filter: null,
	showDeleted: false,
	sort: { column: { kind: 'attr', key: 'name' }, desc: false },
	group: null,
	collapsed: new Set(),
	expanded: new Set(),
	now: 0,
	...input
});
const filterOf = (q: string) => {
	const p = parseRunQuery(q);
	if (!p.ok || p.query.type === 'all') throw new Error(q);
	return compileRunQuery(p.query, { now: 0 });
};
/** Items as `  name (children)`, indented by depth, context rows with `?`, open parents with `-`, folded with `+`. */
const draw = (input: TableViewInput) =>
	createTableView(input).items.map((i) =>
		i.type === 'group' ? `[${i.label} ${i.count}]` : `${'  '.repeat(i.depth)}${i.context ? '?' : ''}${i.row.name}${i.children ? ` ${i.open ? '-' : '+'}${i.children}` : ''}`
	);

describe('parents', () => {
	it('link a run to the row its parent tag names; unknown, ineligible and self parents are none', () => {
		const a = row('a');
		const b = row('b', a);
		const gone = row('gone', undefined, { lifecycle: 'deleted' });
		const c = row('c', gone);
		const d = row('d', undefined, { tags: { [PARENT]: 'f'.repeat(32) } });
		const self = row('self');
		self.tags[PARENT] = self.run_id;
		const rows = [a, b, gone, c, d, self];
		expect([...readParentIndices(rows, (i) => rows[i].lifecycle === 'active')]).toEqual([-1, 0, -1, -1, -1, -1]);
		expect([...readParentIndices(rows, () => true)]).toEqual([-1, 0, -1, 2, -1, -1]);
	});

	it('cut a cycle so every chain of parents ends', () => {
		const a = row('a');
		const b = row('b', a);
		const c = row('c', b);
		a.tags[PARENT] = c.run_id;
		const parent = readParentIndices([a, b, c], () => true);
		expect([...parent].filter((p) => p === -1)).toHaveLength(1);
		for (let i = 0; i < 3; i++) {
			let steps = 0;
			for (let p = parent[i]; p >= 0; p = parent[p]) expect(++steps).toBeLessThan(3);
		}
	});

	it("mark a match's ancestors that do not match as context", () => {
		const parent = Int32Array.from([-1, 0, 1, -1]);
		const shown = Uint8Array.from([SHOWN.no, SHOWN.no, SHOWN.match, SHOWN.no]);
		markContextAncestors(parent, shown);
		expect([...shown]).toEqual([SHOWN.context, SHOWN.context, SHOWN.match, SHOWN.no]);
	});

	it('nest depth first, siblings in the given order, children only under an open parent', () => {
		const parent = Int32Array.from([-1, 0, 0, 1, -1]);
		const shown = new Uint8Array(5).fill(SHOWN.match);
		const items = (open: number[]) => createForestItems([4, 2, 1, 0, 3], parent, shown, (i) => open.includes(i)).map((n) => `${n.depth}:${n.index}:${n.children}`);
		expect(items([])).toEqual(['0:4:0', '0:0:2']);
		expect(items([0])).toEqual(['0:4:0', '0:0:2', '1:2:0', '1:1:1']);
		expect(items([0, 1])).toEqual(['0:4:0', '0:0:2', '1:2:0', '1:1:1', '2:3:0']);
	});
});

describe('the table with nested runs', () => {
	const p1 = row('p1');
	const p2 = row('p2');
	const c1 = row('c1', p1, { params: { lr: '0.1' } });
	const c2 = row('c2', p1, { params: { lr: '0.2' } });
	const g1 = row('g1', c2, { params: { lr: '0.3' } });
	const c3 = row('c3', p2, { params: { lr: '0.1' } });
	const rows = [g1, c3, c2, p2, c1, p1];

	it('folds children under their parent with a count', () => {
		expect(draw(byName({ rows }))).toEqual(['p1 +2', 'p2 +1']);
	});

	it('shows the children of expanded parents, grandchildren too, sorted within their parent', () => {
		expect(draw(byName({ rows, expanded: new Set([p1.run_id]) }))).toEqual(['p1 -2', '  c1', '  c2 +1', 'p2 +1']);
		const all = new Set([p1.run_id, c2.run_id, p2.run_id]);
		const desc = byName({ rows, expanded: all, sort: { column: { kind: 'attr', key: 'name' }, desc: true } });
		expect(draw(desc)).toEqual(['p2 -1', '  c3', 'p1 -2', '  c2 -1', '    g1', '  c1']);
	});

	it('shows a matching child under its parent, which is marked as context and open', () => {
		const view = byName({ rows, filter: filterOf('params.lr = "0.3"') });
		expect(draw(view)).toEqual(['?p1 -1', '  ?c2 -1', '    g1']);
		expect(createTableView(view).matched.map((r) => r.name)).toEqual(['g1']);
	});

	it('keeps a matching parent folded until expanded, counting only its matching children', () => {
		const view = byName({ rows, filter: filterOf('params.lr = "0.1" or attributes.run_name = "p1"') });
		expect(draw(view)).toEqual(['p1 +1', '?p2 -1', '  c3']);
		expect(draw({ ...view, expanded: new Set([p1.run_id]) })).toEqual(['p1 -1', '  c1', '?p2 -1', '  c3']);
	});

	it("lists a child whose parent is deleted (and hidden) at the top level", () => {
		const gone = row('gone', undefined, { lifecycle: 'deleted' });
		const orphan = row('orphan', gone);
		expect(draw(byName({ rows: [gone, orphan] }))).toEqual(['orphan']);
		expect(draw(byName({ rows: [gone, orphan], showDeleted: true }))).toEqual(['gone +1']);
	});

	it('nests inside a group when parent and child share its value, else lists the child in its own group', () => {
		const a = row('a', undefined, { params: { opt: 'adam' } });
		const a1 = row('a1', a, { params: { opt: 'adam' } });
		const a2 = row('a2', a, { params: { opt: 'sgd' } });
		const view = byName({ rows: [a, a1, a2], group: { kind: 'param', key: 'opt' }, expanded: new Set([a.run_id]) });
		expect(draw(view)).toEqual(['[adam 2]', 'a -1', '  a1', '[sgd 1]', 'a2']);
		const filtered = { ...view, filter: filterOf('params.opt = "sgd"') };
		expect(draw(filtered)).toEqual(['[sgd 1]', 'a2']);
	});

	it('refolds without filtering or sorting again', () => {
		const order = createTableOrder(byName({ rows }));
		const fold = { group: null, collapsed: new Set<string>(), now: 0 };
		expect(createTableItems(order, { ...fold, expanded: new Set() })).toHaveLength(2);
		expect(createTableItems(order, { ...fold, expanded: new Set([p1.run_id, p2.run_id]) })).toHaveLength(5);
	});
});
