import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { deleteView, readSavedViews, readViewQuery, saveView, updateView } from './saved-views';
import { expectAccepted, expectRejected } from './update-guard-harness';
import { readWriteOwner } from './write-owners';
import { checkClientUpdate, readDocSchema } from './update-guard';

const base = { experimentId: '7', name: 'best of sweep', query: '?q=metrics.loss<0.1&sort=-metrics.acc&layout=abc&savedView=x', createdBy: 'ann', now: 1000 };

describe('saved views', () => {
	it('saves, lists per experiment newest first, renames, replaces the query and deletes', () => {
		const ws = new Y.Doc();
		const a = saveView(ws, base)!;
		const b = saveView(ws, { ...base, name: '  later  ', now: 2000 })!;
		saveView(ws, { ...base, experimentId: '8' });
		expect(readSavedViews(ws, '7').map((v) => [v.name, v.query, v.createdBy])).toEqual([
			['later', 'q=metrics.loss%3C0.1&sort=-metrics.acc&layout=abc', 'ann'],
			['best of sweep', 'q=metrics.loss%3C0.1&sort=-metrics.acc&layout=abc', 'ann']
		]);
		expect(updateView(ws, a, { name: 'renamed', query: 'group=params.opt', now: 3000 })).toBe(true);
		expect(readSavedViews(ws, '7').find((v) => v.id === a)).toMatchObject({ name: 'renamed', query: 'group=params.opt', lastUpdateTime: 3000 });
		expect(deleteView(ws, b)).toBe(true);
		expect(readSavedViews(ws, '7').map((v) => v.id)).toEqual([a]);
		expect(deleteView(ws, b)).toBe(false);
	});

	it('refuses an empty or overlong name, a bad experiment id and an overlong query', () => {
		const ws = new Y.Doc();
		expect(saveView(ws, { ...base, name: '   ' })).toBeNull();
		expect(saveView(ws, { ...base, name: 'n'.repeat(201) })).toBeNull();
		expect(saveView(ws, { ...base, experimentId: 'x' })).toBeNull();
		expect(saveView(ws, { ...base, query: `q=${'a'.repeat(20_000)}` })).toBeNull();
		const id = saveView(ws, base)!;
		expect(updateView(ws, id, { name: '', now: 1 })).toBe(false);
		expect(updateView(ws, 'nope', { name: 'x', now: 1 })).toBe(false);
		expect(readViewQuery('?a=1&token=secret&savedView=1')).toBe('a=1');
	});

	it('passes the update guard as the app writes it, and names the experiment each write belongs to', () => {
		const server = new Y.Doc();
		expectAccepted('workspace', server, (c) => saveView(c, base));
		const [id] = [...server.getMap('views').keys()];
		expect(readSavedViews(server, '7').map((v) => v.name)).toEqual(['best of sweep']);
		expectAccepted('workspace', server, (c) => updateView(c, id, { name: 'x', query: 'q=1', now: 5 }));
		expectAccepted('workspace', server, (c) => deleteView(c, id));
		expect(readSavedViews(server, '7')).toEqual([]);

		// What the access policy reads: the experiment, and who the view is saved as.
		const fresh = new Y.Doc();
		const owners: unknown[] = [];
		const probe = new Y.Doc();
		saveView(probe, base);
		const result = checkClientUpdate(fresh, Y.encodeStateAsUpdate(probe), readDocSchema('workspace')!, (write, doc) => (owners.push(readWriteOwner('workspace', write, doc)), null));
		expect(result.ok).toBe(true);
		expect(owners).toContainEqual({ kind: 'view', experimentId: '7' });
		expect(owners).toContainEqual({ kind: 'view', experimentId: null, createdBy: 'ann' });
	});

	it('refuses hostile view writes', () => {
		const server = new Y.Doc();
		saveView(server, base);
		const [id] = [...server.getMap('views').keys()];
		const entry = (d: Y.Doc) => d.getMap<Y.Map<unknown>>('views').get(id)!;
		expectRejected('workspace', server, (c) => entry(c).set('experimentId', '8'), /experimentId: /);
		expectRejected('workspace', server, (c) => entry(c).set('createdBy', 'mallory'), /createdBy: /);
		expectRejected('workspace', server, (c) => entry(c).set('query', 'q'.repeat(20_000)), /query: must be a string of at most 16384/);
		expectRejected('workspace', server, (c) => entry(c).set('name', ''), /name: must be a non-empty string/);
		expectRejected('workspace', server, (c) => entry(c).set('extra', 1), /extra: not a field clients know/);
		expectRejected('workspace', server, (c) => c.getMap('views').set('not-an-id', new Y.Map()), /not a view id/);
	});
});
