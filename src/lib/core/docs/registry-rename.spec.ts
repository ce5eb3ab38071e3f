// Renaming registered models: a rename keeps versions, aliases and the audit trail (they follow the model's id),
// refuses a taken name, and renames made by two offline peers settle the same on both (two Y.Docs merged).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAuditLog, readRegisteredModel, readRegisteredModels, type RegisteredModelRecord } from './registry';
import { createModelVersion, createRegisteredModel, deleteRegisteredModel, moveAlias, moveStage, renameRegisteredModel } from './registry-edit';
import { readModelAudit } from '../registry-view';

function merge(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function fork(from: Y.Doc, clientID: number): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
	return doc;
}

function model(doc: Y.Doc, name: string): RegisteredModelRecord {
	const m = readRegisteredModel(doc, name);
	if (!m) throw new Error(`no model ${name}`);
	return m;
}

/** A registry with `fraud` (v1 in Production, @champion on v2) and `churn`, created in that order. */
function seed(): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = 1;
	createRegisteredModel(doc, { id: 'model-fraud', name: 'fraud', now: 100 });
	createRegisteredModel(doc, { id: 'model-churn', name: 'churn', now: 200 });
	for (const n of [1, 2]) createModelVersion(doc, { id: `v-${n}`, modelId: 'model-fraud', number: n, source: `runs:/r/${n}`, now: 100 + n });
	const m = model(doc, 'fraud');
	moveStage(doc, { model: m, version: m.versions[0], stage: 'Production', who: 'ada', now: 110 });
	moveAlias(doc, { model: model(doc, 'fraud'), alias: 'champion', version: m.versions[1], who: 'ada', now: 120 });
	return doc;
}

/** Two peers that start from seed() and then edit offline. */
function offlinePeers(): [Y.Doc, Y.Doc] {
	const base = seed();
	return [fork(base, 10), fork(base, 20)];
}

const names = (doc: Y.Doc) => readRegisteredModels(doc).map((m) => m.name);

describe('renameRegisteredModel', () => {
	it('keeps versions, stages and aliases, touches update times, and the audit trail follows the new name', () => {
		const doc = seed();
		expect(renameRegisteredModel(doc, 'model-fraud', 'fraud-v2', 500)).toBe('renamed');
		expect(readRegisteredModel(doc, 'fraud')).toBeNull();
		const m = model(doc, 'fraud-v2');
		expect(m).toMatchObject({ id: 'model-fraud', lastUpdateTime: 500, aliases: [{ alias: 'champion', version: 2 }] });
		expect(m.versions.map((v) => [v.version, v.name, v.stage, v.lastUpdateTime])).toEqual([
			[1, 'fraud-v2', 'Production', 500],
			[2, 'fraud-v2', 'None', 500]
		]);
		expect(readModelAudit(readAuditLog(doc), m.name, m.id).map((e) => [e.model, e.kind, e.to])).toEqual([
			['fraud', 'alias', '2'],
			['fraud', 'stage', 'Production']
		]);
		// A model created later under the old name does not inherit the trail.
		createRegisteredModel(doc, { id: 'model-new', name: 'fraud', now: 600 });
		expect(readModelAudit(readAuditLog(doc), 'fraud', 'model-new')).toEqual([]);
	});

	it('writes nothing for a taken name, the same name or an unknown id', () => {
		const doc = seed();
		const before = Y.encodeStateVector(doc);
		expect(renameRegisteredModel(doc, 'model-fraud', 'churn', 500)).toBe('taken');
		expect(renameRegisteredModel(doc, 'model-fraud', 'fraud', 500)).toBe('unchanged');
		expect(renameRegisteredModel(doc, 'model-none', 'x', 500)).toBe('missing');
		expect(Y.encodeStateVector(doc)).toEqual(before);
	});

	it('settles two offline renames of one model on one name, the same on both peers', () => {
		const [a, b] = offlinePeers();
		renameRegisteredModel(a, 'model-fraud', 'fraud-a', 500);
		renameRegisteredModel(b, 'model-fraud', 'fraud-b', 501);
		merge(a, b);
		expect(names(a)).toEqual(names(b));
		const settled = readRegisteredModels(a).find((m) => m.id === 'model-fraud')!;
		expect(['fraud-a', 'fraud-b']).toContain(settled.name);
		expect(settled.versions.map((v) => v.version)).toEqual([1, 2]);
		expect(settled.aliases).toEqual([{ alias: 'champion', version: 2 }]);
	});

	it('settles two models renamed offline to one name: the earlier created keeps it, the other is suffixed', () => {
		const [a, b] = offlinePeers();
		renameRegisteredModel(a, 'model-churn', 'scoring', 500);
		renameRegisteredModel(b, 'model-fraud', 'scoring', 400);
		merge(a, b);
		expect(names(a)).toEqual(['scoring', 'scoring (model-ch)']);
		expect(readRegisteredModels(b)).toEqual(readRegisteredModels(a));
		expect(model(a, 'scoring').id).toBe('model-fraud');
	});

	it('lets a delete win over an offline rename, and keeps stage moves made offline under the new name', () => {
		const [a, b] = offlinePeers();
		renameRegisteredModel(a, 'model-churn', 'churn-2', 500);
		deleteRegisteredModel(b, 'model-churn');
		renameRegisteredModel(a, 'model-fraud', 'fraud-2', 500);
		const old = model(b, 'fraud');
		moveStage(b, { model: old, version: old.versions[1], stage: 'Staging', who: 'bob', now: 510 });
		merge(a, b);
		expect(names(a)).toEqual(['fraud-2']);
		expect(names(b)).toEqual(['fraud-2']);
		const m = model(a, 'fraud-2');
		expect(m.versions.map((v) => v.stage)).toEqual(['Production', 'Staging']);
		expect(readModelAudit(readAuditLog(a), m.name, m.id).map((e) => e.who)).toEqual(['bob', 'ada', 'ada']);
	});
});
