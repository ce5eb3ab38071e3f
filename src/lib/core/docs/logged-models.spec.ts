import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createLoggedModel, readLoggedModel, readModelExperiment, readModelParams, setModelParams, updateLoggedModel } from './logged-models';

const ID = `m-${'a'.repeat(32)}`;

function createOne(): { models: Y.Doc; model: Y.Doc } {
	const models = new Y.Doc();
	const model = new Y.Doc();
	createLoggedModel(models, model, '7', { modelId: ID, name: 'clf', modelType: 'sklearn', sourceRunId: 'r1', creationTime: 5, artifactLocation: 'mlflow-artifacts:/7/models/x/artifacts', tags: { t: '1' } });
	return { models, model };
}

describe('logged model documents', () => {
	it('creates a PENDING header and ties the model document to its experiment', () => {
		const { models, model } = createOne();
		expect(readModelExperiment(model)).toBe('7');
		expect(readLoggedModel(models, '7', ID)).toMatchObject({ name: 'clf', status: 'LOGGED_MODEL_PENDING', lifecycle: 'active', tags: { t: '1' }, metrics: [], creationTime: 5 });
		expect(readLoggedModel(models, '7', `m-${'b'.repeat(32)}`)).toBeNull();
	});

	it('keeps an identical metric value once, and stamps every patch', () => {
		const { models } = createOne();
		const m = { key: 'acc', value: 0.9, timestamp: 1, step: 0, datasetName: 'val' };
		updateLoggedModel(models, ID, { metrics: [m, m] }, 10);
		updateLoggedModel(models, ID, { metrics: [m, { ...m, datasetName: 'test' }] }, 11);
		const r = readLoggedModel(models, '7', ID)!;
		expect(r.metrics.map((x) => x.datasetName)).toEqual(['val', 'test']);
		expect(r.lastUpdateTime).toBe(11);
		expect(updateLoggedModel(models, `m-${'c'.repeat(32)}`, { status: 'LOGGED_MODEL_READY' }, 1)).toBe(false);
	});

	it('merges tag edits made offline on two peers with a server status change', () => {
		const { models } = createOne();
		const peerA = new Y.Doc();
		const peerB = new Y.Doc();
		Y.applyUpdate(peerA, Y.encodeStateAsUpdate(models));
		Y.applyUpdate(peerB, Y.encodeStateAsUpdate(models));
		updateLoggedModel(peerA, ID, { setTags: { owner: 'ana' } }, 20);
		updateLoggedModel(peerB, ID, { setTags: { stage: 'review' }, deleteTags: ['t'] }, 21);
		updateLoggedModel(models, ID, { status: 'LOGGED_MODEL_READY' }, 22);
		for (const [from, to] of [
			[peerA, models],
			[peerB, models],
			[models, peerA],
			[models, peerB],
			[peerA, peerB],
			[peerB, peerA]
		]) {
			Y.applyUpdate(to, Y.encodeStateAsUpdate(from));
		}
		const read = (d: Y.Doc) => readLoggedModel(d, '7', ID)!;
		for (const d of [models, peerA, peerB]) {
			expect(read(d).tags).toEqual({ owner: 'ana', stage: 'review' });
			expect(read(d).status).toBe('LOGGED_MODEL_READY');
		}
	});

	it('sets params on the model document, a repeated key taking the new value', () => {
		const { model } = createOne();
		expect(setModelParams(model, { a: '1', b: '2' })).toBe(2);
		expect(setModelParams(model, { b: '3', c: '4' })).toBe(3);
		expect(readModelParams(model)).toEqual({ a: '1', b: '3', c: '4' });
	});
});
