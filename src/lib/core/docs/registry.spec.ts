// The registry document: settled reads, stage/alias moves with their audit entries, and convergence of offline
// edits (duplicate model names, duplicate version numbers) on two Y.Docs merged both ways, plus a seeded fuzz.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { readAuditLog, readRegisteredModel, readRegisteredModels, repairVersionNumbers, MODEL_STAGES, type RegisteredModelRecord } from './registry';
import {
	createModelVersion,
	createRegisteredModel,
	deleteModelVersion,
	deleteRegisteredModel,
	moveAlias,
	moveStage,
	updateModelVersion,
	updateRegisteredModel
} from './registry-edit';

/** Exchanges what each doc is missing, in both directions. */
function merge(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function fork(from: Y.Doc): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
	return doc;
}

const snapshot = (doc: Y.Doc) => ({ models: readRegisteredModels(doc), audit: readAuditLog(doc) });

function model(doc: Y.Doc, name: string): RegisteredModelRecord {
	const m = readRegisteredModel(doc, name);
	if (!m) throw new Error(`no model ${name}`);
	return m;
}

function addVersion(doc: Y.Doc, name: string, id: string, now: number): void {
	const m = model(doc, name);
	createModelVersion(doc, { id, modelId: m.id, number: m.nextVersion, source: `s3://m/${id}`, now });
}

describe('registry document', () => {
	it('reads models with versions, tags, aliases and latest numbers', () => {
		const doc = new Y.Doc();
		createRegisteredModel(doc, { id: 'model-a', name: 'fraud', description: 'd', tags: { team: 'risk' }, now: 100 });
		addVersion(doc, 'fraud', 'v-1', 110);
		addVersion(doc, 'fraud', 'v-2', 120);
		updateModelVersion(doc, 'v-2', { tags: { ok: 'yes' }, description: 'second', now: 130 });
		moveAlias(doc, { model: model(doc, 'fraud'), alias: 'champion', version: model(doc, 'fraud').versions[1], who: 'ada', now: 140 });
		const m = model(doc, 'fraud');
		expect(m).toMatchObject({ name: 'fraud', description: 'd', tags: { team: 'risk' }, creationTime: 100, lastUpdateTime: 120, nextVersion: 3 });
		expect(m.aliases).toEqual([{ alias: 'champion', version: 2 }]);
		expect(m.versions.map((v) => [v.version, v.stage, v.source, v.aliases])).toEqual([
			[1, 'None', 's3://m/v-1', []],
			[2, 'None', 's3://m/v-2', ['champion']]
		]);
		expect(m.versions[1]).toMatchObject({ description: 'second', tags: { ok: 'yes' }, lastUpdateTime: 130, runId: null });
	});

	it('moves stages with archive_existing_versions and logs every move, alias moves too', () => {
		const doc = new Y.Doc();
		createRegisteredModel(doc, { id: 'm', name: 'churn', now: 1 });
		for (const [i, id] of ['a', 'b', 'c'].entries()) addVersion(doc, 'churn', id, 10 + i);
		const at = (n: number) => model(doc, 'churn').versions[n - 1];
		moveStage(doc, { model: model(doc, 'churn'), version: at(1), stage: 'Production', who: 'ada', now: 20 });
		moveStage(doc, { model: model(doc, 'churn'), version: at(2), stage: 'Production', archiveExisting: true, who: 'bob', now: 30 });
		moveStage(doc, { model: model(doc, 'churn'), version: at(2), stage: 'Production', who: 'bob', now: 31 });
		moveAlias(doc, { model: model(doc, 'churn'), alias: 'champion', version: at(1), who: 'ada', now: 40 });
		moveAlias(doc, { model: model(doc, 'churn'), alias: 'champion', version: at(3), who: 'ada', now: 41 });
		moveAlias(doc, { model: model(doc, 'churn'), alias: 'champion', version: null, who: 'cy', now: 42 });
		expect(model(doc, 'churn').versions.map((v) => v.stage)).toEqual(['Archived', 'Production', 'None']);
		expect(readAuditLog(doc)).toEqual([
			{ at: 20, who: 'ada', model: 'churn', modelId: 'm', version: '1', kind: 'stage', from: 'None', to: 'Production' },
			{ at: 30, who: 'bob', model: 'churn', modelId: 'm', version: '1', kind: 'stage', from: 'Production', to: 'Archived' },
			{ at: 30, who: 'bob', model: 'churn', modelId: 'm', version: '2', kind: 'stage', from: 'None', to: 'Production' },
			{ at: 40, who: 'ada', model: 'churn', modelId: 'm', version: '1', kind: 'alias', alias: 'champion', from: null, to: '1' },
			{ at: 41, who: 'ada', model: 'churn', modelId: 'm', version: '3', kind: 'alias', alias: 'champion', from: '1', to: '3' },
			{ at: 42, who: 'cy', model: 'churn', modelId: 'm', version: '3', kind: 'alias', alias: 'champion', from: '3', to: null }
		]);
	});

	it('keeps a deleted version number unused and drops its aliases (logged)', () => {
		const doc = new Y.Doc();
		createRegisteredModel(doc, { id: 'm', name: 'm', now: 1 });
		for (const id of ['a', 'b', 'c']) addVersion(doc, 'm', id, 2);
		moveAlias(doc, { model: model(doc, 'm'), alias: 'best', version: model(doc, 'm').versions[2], who: 'ada', now: 3 });
		deleteModelVersion(doc, { model: model(doc, 'm'), version: model(doc, 'm').versions[2], who: 'bob', now: 4 });
		expect(model(doc, 'm').versions.map((v) => v.version)).toEqual([1, 2]);
		expect(model(doc, 'm')).toMatchObject({ nextVersion: 4, aliases: [], lastUpdateTime: 4 });
		expect(readAuditLog(doc).at(-1)).toEqual({ at: 4, who: 'bob', model: 'm', modelId: 'm', version: '3', kind: 'alias', alias: 'best', from: '3', to: null });
		deleteRegisteredModel(doc, 'm');
		expect(readRegisteredModels(doc)).toEqual([]);
		expect(doc.getMap('versions').size).toBe(0);
	});

	it('settles two offline models with the same name: the earliest (creationTime, id) keeps it', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		createRegisteredModel(a, { id: 'bbbbbbbb-late', name: 'fraud', now: 200 });
		addVersion(a, 'fraud', 'va', 210);
		createRegisteredModel(b, { id: 'aaaaaaaa-early', name: 'fraud', now: 100 });
		createRegisteredModel(b, { id: 'cccccccc-tie', name: 'twin', now: 50 });
		createRegisteredModel(a, { id: 'dddddddd-tie', name: 'twin', now: 50 });
		merge(a, b);
		expect(snapshot(a)).toEqual(snapshot(b));
		expect(readRegisteredModels(a).map((m) => [m.name, m.id])).toEqual([
			['fraud', 'aaaaaaaa-early'],
			['fraud (bbbbbbbb)', 'bbbbbbbb-late'],
			['twin', 'cccccccc-tie'],
			['twin (dddddddd)', 'dddddddd-tie']
		]);
		expect(model(a, 'fraud (bbbbbbbb)').versions.map((v) => [v.name, v.version])).toEqual([['fraud (bbbbbbbb)', 1]]);
	});

	it('settles a version number claimed on two peers; aliases follow the renumbered version; repair pins it', () => {
		const base = new Y.Doc();
		createRegisteredModel(base, { id: 'm', name: 'fraud', now: 1 });
		addVersion(base, 'fraud', 'v1', 2);
		const a = fork(base);
		const b = fork(base);
		addVersion(a, 'fraud', 'from-a', 300);
		addVersion(b, 'fraud', 'from-b', 400);
		moveAlias(b, { model: model(b, 'fraud'), alias: 'champion', version: model(b, 'fraud').versions[1], who: 'bob', now: 401 });
		moveStage(b, { model: model(b, 'fraud'), version: model(b, 'fraud').versions[1], stage: 'Staging', who: 'bob', now: 402 });
		expect(model(b, 'fraud').versions.map((v) => [v.id, v.version])).toEqual([['v1', 1], ['from-b', 2]]);
		merge(a, b);
		expect(snapshot(a)).toEqual(snapshot(b));
		const merged = model(a, 'fraud');
		expect(merged.versions.map((v) => [v.id, v.version, v.stage])).toEqual([
			['v1', 1, 'None'],
			['from-a', 2, 'None'],
			['from-b', 3, 'Staging']
		]);
		expect(merged).toMatchObject({ nextVersion: 4, aliases: [{ alias: 'champion', version: 3 }] });

		expect(repairVersionNumbers(a)).toBe(1);
		merge(a, b);
		expect(repairVersionNumbers(b)).toBe(0);
		// Pinned: a peer that still claims 3 offline is now the one renumbered, as it was created later.
		const c = fork(b);
		createModelVersion(c, { id: 'from-c', modelId: 'm', number: 3, source: 's3://c', now: 500 });
		merge(c, b);
		expect(model(b, 'fraud').versions.map((v) => [v.id, v.version])).toEqual([['v1', 1], ['from-a', 2], ['from-b', 3], ['from-c', 4]]);
	});

	it('converges concurrent stage moves, alias sets and renames, keeping every audit entry', () => {
		const base = new Y.Doc();
		createRegisteredModel(base, { id: 'm', name: 'm', now: 1 });
		addVersion(base, 'm', 'v1', 2);
		addVersion(base, 'm', 'v2', 3);
		const a = fork(base);
		const b = fork(base);
		moveStage(a, { model: model(a, 'm'), version: model(a, 'm').versions[0], stage: 'Production', who: 'ada', now: 10 });
		moveStage(b, { model: model(b, 'm'), version: model(b, 'm').versions[0], stage: 'Staging', who: 'bob', now: 11 });
		moveAlias(a, { model: model(a, 'm'), alias: 'champion', version: model(a, 'm').versions[0], who: 'ada', now: 12 });
		moveAlias(b, { model: model(b, 'm'), alias: 'champion', version: model(b, 'm').versions[1], who: 'bob', now: 13 });
		updateRegisteredModel(a, 'm', { name: 'renamed-a', now: 14 });
		updateRegisteredModel(b, 'm', { tags: { k: 'b' }, now: 15 });
		merge(b, a);
		expect(snapshot(a)).toEqual(snapshot(b));
		expect(readAuditLog(a)).toHaveLength(4);
		expect(readRegisteredModels(a)).toHaveLength(1);
		expect(readRegisteredModels(a)[0]).toMatchObject({ name: 'renamed-a', tags: { k: 'b' } });
	});
});

/** One random edit on a peer's local view, as a client editing offline would make it. */
function randomEdit(doc: Y.Doc, rand: () => number, step: number, peer: number): void {
	const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
	const models = readRegisteredModels(doc);
	const m = pick(models);
	const v = m && pick(m.versions);
	const now = 1000 + Math.floor(rand() * 50);
	const id = `p${peer}-s${step}`;
	const r = rand();
	if (r < 0.2 || !m) {
		const name = pick(['alpha', 'beta', 'gamma'])!;
		if (!models.some((x) => x.name === name)) createRegisteredModel(doc, { id, name, now });
	} else if (r < 0.5) createModelVersion(doc, { id, modelId: m.id, number: m.nextVersion, source: `s3://${id}`, now });
	else if (r < 0.65 && v) moveStage(doc, { model: m, version: v, stage: pick(MODEL_STAGES)!, archiveExisting: rand() < 0.5, who: `p${peer}`, now });
	else if (r < 0.8) moveAlias(doc, { model: m, alias: pick(['champion', 'shadow'])!, version: rand() < 0.8 ? (v ?? null) : null, who: `p${peer}`, now });
	else if (r < 0.87 && v) deleteModelVersion(doc, { model: m, version: v, who: `p${peer}`, now });
	else if (r < 0.93) updateRegisteredModel(doc, m.id, { name: pick(['alpha', 'beta', 'delta'])!, tags: { [`t${peer}`]: String(step) }, now });
	else if (r < 0.96) deleteRegisteredModel(doc, m.id);
	else repairVersionNumbers(doc);
}

function checkInvariants(doc: Y.Doc): void {
	const models = readRegisteredModels(doc);
	expect(new Set(models.map((m) => m.name)).size).toBe(models.length);
	for (const m of models) {
		const numbers = m.versions.map((v) => v.version);
		expect(new Set(numbers).size).toBe(numbers.length);
		for (const n of numbers) expect(n).toBeLessThan(m.nextVersion);
		for (const a of m.aliases) expect(numbers).toContain(a.version);
	}
}

describe('registry convergence fuzz', () => {
	const KNOWN_SEEDS: number[] = [];
	const seeds = [...KNOWN_SEEDS, ...Array.from({ length: 25 }, (_, i) => 0x5eed + i * 7919)];
	it.each(seeds)('seed %i: three peers editing offline settle to one identical view', (seed) => {
		try {
			const gen = prng.create(seed);
			const rand = () => prng.real53(gen);
			const peers = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
			for (let step = 0; step < 120; step++) {
				const p = Math.floor(rand() * peers.length);
				randomEdit(peers[p], rand, step, p);
				if (rand() < 0.15) merge(peers[p], peers[(p + 1) % peers.length]);
			}
			for (const a of peers) for (const b of peers) if (a !== b) merge(a, b);
			for (const p of peers) checkInvariants(p);
			expect(snapshot(peers[1])).toEqual(snapshot(peers[0]));
			expect(snapshot(peers[2])).toEqual(snapshot(peers[0]));
		} catch (e) {
			console.error(`registry fuzz failed with seed ${seed}`);
			throw e;
		}
	});
});
