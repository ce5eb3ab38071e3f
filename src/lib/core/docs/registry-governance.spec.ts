// Protected stages and aliases: the request state machine, and the guard rule that refuses a client's direct
// protected move (stage, alias set or delete, deleting the version an alias holds) while unprotected moves pass.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readRegisteredModel } from './registry';
import { createModelVersion, createRegisteredModel, deleteModelVersion, moveAlias, moveStage } from './registry-edit';
import { checkDecision, decideRequest, readMoveRequests, readProtection, setProtection, writeMoveRequest, type MoveRequest } from './registry-governance';
import { expectAccepted, expectRejected } from './update-guard-harness';

const M = 'c'.repeat(32);
const V1 = 'd'.repeat(32);
const V2 = 'e'.repeat(32);

function createRegistry(): Y.Doc {
	const doc = new Y.Doc();
	createRegisteredModel(doc, { id: M, name: 'fraud', now: 1 });
	createModelVersion(doc, { id: V1, modelId: M, number: 1, source: 's3://b/1', now: 2 });
	createModelVersion(doc, { id: V2, modelId: M, number: 2, source: 's3://b/2', now: 3 });
	const model = readRegisteredModel(doc, 'fraud')!;
	moveAlias(doc, { model, alias: 'champion', version: model.versions[0], who: 'api', now: 4 });
	setProtection(doc, M, { stages: ['Production'], aliases: ['champion'] }, 'owner', 5);
	return doc;
}
const model = (d: Y.Doc) => readRegisteredModel(d, 'fraud')!;

const pending: MoveRequest = { id: 'a'.repeat(32), modelId: M, model: 'fraud', kind: 'stage', stage: 'Production', versionId: V1, version: '1', requestedBy: 'alice', requestedAt: 10, status: 'pending' };

describe('request state machine', () => {
	it('a pending request is decided once, by someone other than its requester', () => {
		expect(checkDecision(pending, 'approve', 'alice')).toMatch(/made by alice: a second person must approve/);
		expect(checkDecision(pending, 'reject', 'alice')).toMatch(/second person must reject/);
		expect(checkDecision(pending, 'approve', 'bob')).toBeNull();
		const approved = decideRequest(pending, 'approve', 'bob', 20);
		expect(approved).toMatchObject({ status: 'approved', decidedBy: 'bob', decidedAt: 20 });
		expect(checkDecision(approved, 'reject', 'carol')).toMatch(/already approved by bob/);
		const rejected = decideRequest(pending, 'reject', 'bob', 21, 'not yet');
		expect(rejected).toMatchObject({ status: 'rejected', note: 'not yet' });
		expect(checkDecision(rejected, 'approve', 'carol')).toMatch(/already rejected/);
	});

	it('requests and protection read back from the document, sorted; empty protection removes the entry', () => {
		const doc = createRegistry();
		writeMoveRequest(doc, { ...pending, id: 'b'.repeat(32), requestedAt: 30 });
		writeMoveRequest(doc, pending);
		expect(readMoveRequests(doc, M).map((r) => r.requestedAt)).toEqual([10, 30]);
		expect(readProtection(doc, M)).toEqual({ stages: ['Production'], aliases: ['champion'], by: 'owner', at: 5 });
		setProtection(doc, M, { stages: [], aliases: [] }, 'owner', 6);
		expect(readProtection(doc, M).stages).toEqual([]);
		expect(doc.getMap('protected').has(M)).toBe(false);
	});
});

describe('update guard: protected moves', () => {
	it('refuses a client move into a protected stage, and any write of a protected alias', () => {
		const server = createRegistry();
		expectRejected('registry', server, (c) => moveStage(c, { model: model(c), version: model(c).versions[1], stage: 'Production', who: 'x', now: 9 }), /stage Production is protected/);
		expectRejected('registry', server, (c) => moveAlias(c, { model: model(c), alias: 'champion', version: model(c).versions[1], who: 'x', now: 9 }), /alias champion is protected/);
		expectRejected('registry', server, (c) => moveAlias(c, { model: model(c), alias: 'champion', version: null, who: 'x', now: 9 }), /alias champion is protected/);
		expectRejected('registry', server, (c) => deleteModelVersion(c, { model: model(c), version: model(c).versions[0], who: 'x', now: 9 }), /protected alias champion/);
		expectRejected('registry', server, (c) => c.getMap('protected').set(M, { stages: [], aliases: [] }), /written by the server only/);
		expectRejected('registry', server, (c) => c.getMap('requests').set('f'.repeat(32), { ...pending, status: 'approved' }), /written by the server only/);
	});

	it('lets unprotected moves through', () => {
		const server = createRegistry();
		expectAccepted('registry', server, (c) => moveStage(c, { model: model(c), version: model(c).versions[1], stage: 'Staging', who: 'x', now: 9 }));
		expectAccepted('registry', server, (c) => moveAlias(c, { model: model(c), alias: 'challenger', version: model(c).versions[1], who: 'x', now: 10 }));
		expectAccepted('registry', server, (c) => deleteModelVersion(c, { model: model(c), version: model(c).versions[1], who: 'x', now: 11 }));
	});
});
