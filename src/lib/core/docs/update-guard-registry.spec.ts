// The update guard on the `registry` document: the app's edits (create, rename, describe, tag, register, stage and
// alias moves with their audit entries, delete) pass; hostile writes are refused whole and leave the document as it was.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAuditLog, readRegisteredModel, type RegisteredModelRecord } from './registry';
import {
	createModelVersion,
	createRegisteredModel,
	deleteModelVersion,
	deleteRegisteredModel,
	moveAlias,
	moveStage,
	registerModelVersion,
	renameRegisteredModel,
	updateModelVersion,
	updateRegisteredModel
} from './registry-edit';
import { expectAccepted, expectRejected } from './update-guard-harness';

const name = 'registry';
const M = 'c'.repeat(32);
const V1 = 'd'.repeat(32);
const V2 = 'e'.repeat(32);
const RUN = '0123456789abcdef0123456789abcdef';
const LOGGED = `m-${'a'.repeat(32)}`;

/** A registry as the server's MLflow API leaves it: one model with one version. */
function createRegistry(): Y.Doc {
	const doc = new Y.Doc();
	createRegisteredModel(doc, { id: M, name: 'fraud', description: 'by the API', tags: { owner: 'ml' }, now: 1 });
	createModelVersion(doc, { id: V1, modelId: M, number: 1, source: 's3://bucket/1', runId: RUN, now: 2 });
	return doc;
}

const model = (d: Y.Doc): RegisteredModelRecord => readRegisteredModel(d, 'fraud') ?? readRegisteredModel(d, 'fraud-v2')!;
const entry = (d: Y.Doc, map: 'models' | 'versions', id: string) => d.getMap<Y.Map<unknown>>(map).get(id)!;

describe('update guard: registry', () => {
	it('accepts every edit the app makes', () => {
		const server = createRegistry();
		expectAccepted(name, server, (c) => updateRegisteredModel(c, M, { description: 'better', tags: { t: '1' }, deleteTags: ['owner'], now: 3 }));
		expectAccepted(name, server, (c) => updateRegisteredModel(c, M, { description: null, now: 4 }));
		expectAccepted(name, server, (c) => registerModelVersion(c, { name: 'fraud', newModelId: 'f'.repeat(32), id: V2, source: `models:/${LOGGED}`, storageLocation: `mlflow-artifacts:/1/models/${LOGGED}/artifacts`, runId: RUN, loggedModelId: LOGGED, description: 'from the app', now: 5 }));
		expectAccepted(name, server, (c) => updateModelVersion(c, V2, { description: 'v2', tags: { k: 'v' }, now: 6 }));
		expectAccepted(name, server, (c) => moveStage(c, { model: model(c), version: model(c).versions[0], stage: 'Production', who: 'carol', now: 7 }));
		expectAccepted(name, server, (c) => moveStage(c, { model: model(c), version: model(c).versions[1], stage: 'Production', archiveExisting: true, who: 'carol', now: 8 }));
		expectAccepted(name, server, (c) => moveAlias(c, { model: model(c), alias: 'champion', version: model(c).versions[1], who: 'carol', now: 9 }));
		expectAccepted(name, server, (c) => moveAlias(c, { model: model(c), alias: 'champion', version: model(c).versions[0], who: 'carol', now: 10 }));
		expectAccepted(name, server, (c) => renameRegisteredModel(c, M, 'fraud-v2', 11));
		expectAccepted(name, server, (c) => deleteModelVersion(c, { model: model(c), version: model(c).versions[0], who: 'carol', now: 12 }));
		expect(model(server)).toMatchObject({ name: 'fraud-v2', description: null, tags: { t: '1' }, aliases: [] });
		expect(model(server).versions.map((v) => [v.version, v.stage])).toEqual([[2, 'Production']]);
		expect(readAuditLog(server).map((e) => [e.kind, e.from, e.to])).toEqual([
			['stage', 'None', 'Production'],
			['stage', 'Production', 'Archived'],
			['stage', 'None', 'Production'],
			['alias', null, '2'],
			['alias', '2', '1'],
			['alias', '1', null]
		]);
		expectAccepted(name, server, (c) => createRegisteredModel(c, { id: 'b'.repeat(32), name: 'new one', description: 'made here', now: 13 }));
		expectAccepted(name, server, (c) => deleteRegisteredModel(c, M));
		expect(readRegisteredModel(server, 'fraud-v2')).toBeNull();
	});

	it('refuses bad values, changes to what is set at creation, and audit rewrites', () => {
		const server = createRegistry();
		moveStage(server, { model: model(server), version: model(server).versions[0], stage: 'Staging', who: 'api', now: 3 });
		expectRejected(name, server, (c) => entry(c, 'versions', V1).set('stage', 'Shipped'), /versions\.d+\.stage: must be one of None, Staging, Production, Archived/);
		expectRejected(name, server, (c) => entry(c, 'versions', V1).set('deleted', false), /deleted: must be true/);
		expectRejected(name, server, (c) => entry(c, 'versions', V1).set('source', 'file:///etc/passwd'), /source: set once, when created/);
		expectRejected(name, server, (c) => entry(c, 'versions', V1).set('number', 7), /number: set once, when created/);
		expectRejected(name, server, (c) => entry(c, 'versions', V1).set('model', 'f'.repeat(32)), /model: set once, when created/);
		expectRejected(name, server, (c) => entry(c, 'versions', V1).delete('stage'), /stage: clients may not delete it/);
		expectRejected(name, server, (c) => entry(c, 'models', M).set('name', 'a/b'), /name: Invalid model name/);
		expectRejected(name, server, (c) => entry(c, 'models', M).set('description', 'x'.repeat(5001)), /description: must be a string of at most 5000/);
		expectRejected(name, server, (c) => (entry(c, 'models', M).get('aliases') as Y.Map<string>).set('latest', V1), /reserved/);
		expectRejected(name, server, (c) => (entry(c, 'models', M).get('aliases') as Y.Map<string>).set('prod', 'v1'), /aliases\.prod: must be 32 lowercase hex/);
		expectRejected(name, server, (c) => (entry(c, 'models', M).get('tags') as Y.Map<string>).set('t', 'x'.repeat(100_001)), /at most 100000/);
		expectRejected(name, server, (c) => c.getArray('audit').delete(0, 1), /audit: entries may not be removed/);
		expectRejected(name, server, (c) => c.getArray('audit').push([{ at: 1, who: 'x' }]), /audit: not an audit entry/);
		expectRejected(name, server, (c) => c.getArray('audit').push([{ ...readAuditLog(c)[0], extra: 1 }]), /not an audit entry/);
		expectRejected(name, server, (c) => c.getMap('versions').set(V1, new Y.Map()), /versions\.d+: set once, when created/);
		expectRejected(name, server, (c) => c.getMap('models').set('short', new Y.Map()), /not a registry id/);
		expectRejected(name, server, (c) => c.getMap('models').set(V2, 'plain'), /must be a Y.Map/);
	});
});
