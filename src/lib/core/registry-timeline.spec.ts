// The timeline: spans per stage and alias read from the audit log, "who held X at T", and concurrent alias moves
// from two peers settling on the document's value (both moves kept in the log).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAuditLog, readRegisteredModel } from './docs/registry';
import { createModelVersion, createRegisteredModel, moveAlias, moveStage } from './docs/registry-edit';
import { readHoldersAt, readSpansOf, readTimeline } from './registry-timeline';

const M = 'c'.repeat(32);

function createModel(): Y.Doc {
	const doc = new Y.Doc();
	createRegisteredModel(doc, { id: M, name: 'fraud', now: 1 });
	for (const n of [1, 2, 3]) createModelVersion(doc, { id: String(n).repeat(32), modelId: M, number: n, source: `s3://b/${n}`, now: n });
	return doc;
}
const model = (d: Y.Doc) => readRegisteredModel(d, 'fraud')!;
const stage = (d: Y.Doc, n: number, to: 'Staging' | 'Production' | 'Archived', at: number, archive = false) =>
	moveStage(d, { model: model(d), version: model(d).versions[n - 1], stage: to, archiveExisting: archive, who: `u${at}`, now: at });
const alias = (d: Y.Doc, name: string, n: number | null, at: number) =>
	moveAlias(d, { model: model(d), alias: name, version: n === null ? null : model(d).versions[n - 1], who: `u${at}`, now: at });

describe('timeline', () => {
	it('answers which version was in Production, and which held an alias, at any time', () => {
		const doc = createModel();
		stage(doc, 1, 'Production', 100);
		alias(doc, 'champion', 1, 110);
		stage(doc, 2, 'Production', 200, true); // archives 1
		alias(doc, 'champion', 2, 210);
		alias(doc, 'champion', null, 300);
		const t = readTimeline(readAuditLog(doc), model(doc));
		expect(readHoldersAt(t, 50)).toEqual({ stages: {}, aliases: {} });
		expect(readHoldersAt(t, 150)).toEqual({ stages: { Production: ['1'] }, aliases: { champion: '1' } });
		expect(readHoldersAt(t, 205)).toEqual({ stages: { Production: ['2'], Archived: ['1'] }, aliases: { champion: '1' } });
		expect(readHoldersAt(t, 250).aliases).toEqual({ champion: '2' });
		expect(readHoldersAt(t, 300).aliases).toEqual({});
		expect(readSpansOf(t, 'stage', 'Production')).toEqual([
			{ key: 'Production', version: '2', from: 200, to: null, by: 'u200' },
			{ key: 'Production', version: '1', from: 100, to: 200, by: 'u100' }
		]);
		expect(readSpansOf(t, 'alias', 'champion').map((s) => [s.version, s.from, s.to])).toEqual([
			['2', 210, 300],
			['1', 110, 210]
		]);
	});

	it('two peers moving one alias at once settle on one value everywhere; the log keeps both and the open span follows the settled value', () => {
		const server = createModel();
		alias(server, 'champion', 1, 100);
		const [a, b] = [new Y.Doc(), new Y.Doc()];
		for (const peer of [a, b]) Y.applyUpdate(peer, Y.encodeStateAsUpdate(server));
		alias(a, 'champion', 2, 200);
		alias(b, 'champion', 3, 201);
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		const [ma, mb] = [model(a), model(b)];
		expect(ma.aliases).toEqual(mb.aliases);
		const settled = String(ma.aliases.find((x) => x.alias === 'champion')!.version);
		const log = readAuditLog(a);
		expect(log.filter((e) => e.alias === 'champion').map((e) => e.to)).toEqual(expect.arrayContaining(['1', '2', '3']));
		const [ta, tb] = [readTimeline(log, ma), readTimeline(readAuditLog(b), mb)];
		expect(ta).toEqual(tb);
		expect(readHoldersAt(ta, 1000).aliases.champion).toBe(settled);
		expect(readHoldersAt(ta, 150).aliases.champion).toBe('1');
		expect(ta.aliases.filter((s) => s.to === null)).toHaveLength(1);
	});

	it('a stage span the document no longer holds is closed at its version’s last move', () => {
		const doc = createModel();
		stage(doc, 1, 'Staging', 100);
		const m = model(doc);
		const t = readTimeline(readAuditLog(doc), { ...m, versions: m.versions.map((v) => ({ ...v, stage: 'None' })) });
		expect(t.stages).toEqual([]);
	});
});
