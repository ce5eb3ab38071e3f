// registerModelVersion: a version registered into a new or an existing model, and two peers registering offline.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readRegisteredModel, readRegisteredModels } from './registry';
import { createRegisteredModel, registerModelVersion } from './registry-edit';

const MODEL_ID = 'm-0123456789abcdef0123456789abcdef';

function sync(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('registerModelVersion', () => {
	it('creates the model when the name is new, with version 1 from a logged model', () => {
		const doc = new Y.Doc();
		const id = registerModelVersion(doc, {
			name: 'fraud',
			newModelId: 'a'.repeat(32),
			id: 'v'.repeat(32),
			source: `models:/${MODEL_ID}`,
			storageLocation: `mlflow-artifacts:/1/models/${MODEL_ID}/artifacts`,
			runId: 'r'.repeat(32),
			loggedModelId: MODEL_ID,
			now: 1000
		});
		expect(id).toBe('a'.repeat(32));
		const model = readRegisteredModel(doc, 'fraud')!;
		expect(model.creationTime).toBe(1000);
		expect(model.versions).toHaveLength(1);
		expect(model.versions[0]).toMatchObject({ version: 1, stage: 'None', source: `models:/${MODEL_ID}`, loggedModelId: MODEL_ID, runId: 'r'.repeat(32), storageLocation: `mlflow-artifacts:/1/models/${MODEL_ID}/artifacts` });
	});

	it('adds the next version to an existing model instead of creating another', () => {
		const doc = new Y.Doc();
		createRegisteredModel(doc, { id: 'b'.repeat(32), name: 'fraud', now: 1 });
		registerModelVersion(doc, { name: 'fraud', newModelId: 'c'.repeat(32), id: '1'.repeat(32), source: 'runs:/r/model', runId: 'r', now: 2 });
		const id = registerModelVersion(doc, { name: 'fraud', newModelId: 'd'.repeat(32), id: '2'.repeat(32), source: 'runs:/r/model', runId: 'r', now: 3 });
		expect(id).toBe('b'.repeat(32));
		expect(readRegisteredModels(doc)).toHaveLength(1);
		expect(readRegisteredModel(doc, 'fraud')!.versions.map((v) => [v.version, v.source, v.loggedModelId])).toEqual([
			[1, 'runs:/r/model', null],
			[2, 'runs:/r/model', null]
		]);
	});

	it('two peers registering offline into one model settle on distinct numbers, the same on both', () => {
		const a = new Y.Doc();
		createRegisteredModel(a, { id: 'e'.repeat(32), name: 'fraud', now: 1 });
		const b = new Y.Doc();
		sync(a, b);
		registerModelVersion(a, { name: 'fraud', newModelId: 'x'.repeat(32), id: '3'.repeat(32), source: 'runs:/a/model', now: 10 });
		registerModelVersion(b, { name: 'fraud', newModelId: 'y'.repeat(32), id: '4'.repeat(32), source: 'runs:/b/model', now: 11 });
		sync(a, b);
		const settled = (d: Y.Doc) => readRegisteredModel(d, 'fraud')!.versions.map((v) => [v.version, v.source]);
		expect(settled(a)).toEqual([
			[1, 'runs:/a/model'],
			[2, 'runs:/b/model']
		]);
		expect(settled(b)).toEqual(settled(a));
	});
});
