// The registry pages' pure reads: model rows (latest version per stage, snippet, counts), filter and sort, a model's
// audit trail newest first, which versions an archive-existing move touches, and the checks on alias and user names.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAuditLog, readRegisteredModel, type AuditEntry, type ModelStage, type RegisteredModelRecord } from './docs/registry';
import { createModelVersion, createRegisteredModel, moveAlias, moveStage } from './docs/registry-edit';
import {
	canArchiveExisting,
	checkAliasInput,
	checkModelNameInput,
	filterModelRows,
	formatModelSort,
	normalizeDisplayName,
	parseModelSort,
	readModelAudit,
	readModelRow,
	readSnippet,
	readTargetStages,
	readVersionsToArchive,
	sortModelRows,
	toggleModelSort,
	type ModelRow
} from './registry-view';

function model(doc: Y.Doc, name: string): RegisteredModelRecord {
	const m = readRegisteredModel(doc, name);
	if (!m) throw new Error(`no model ${name}`);
	return m;
}

/** A model with one version per given stage (version n+1 in stages[n]), moved there by 'ada' at times 100, 101, … */
function createModel(doc: Y.Doc, name: string, stages: ModelStage[], opts: { description?: string; tags?: Record<string, string>; now?: number } = {}) {
	const now = opts.now ?? 1;
	createRegisteredModel(doc, { id: `id-${name}`, name, description: opts.description, tags: opts.tags, now });
	stages.forEach((stage, i) => {
		createModelVersion(doc, { id: `${name}-v${i + 1}`, modelId: `id-${name}`, number: i + 1, source: `s3://m/${name}/${i + 1}`, now: now + i });
		if (stage === 'None') return;
		const m = model(doc, name);
		moveStage(doc, { model: m, version: m.versions[i], stage, who: 'ada', now: 100 + i });
	});
	return model(doc, name);
}

const row = (over: Partial<ModelRow>): ModelRow => ({
	id: over.name ?? 'x',
	name: 'x',
	latestVersion: null,
	latestByStage: [],
	aliases: [],
	lastUpdateTime: 0,
	snippet: '',
	tagCount: 0,
	versionCount: 0,
	...over
});

describe('readModelRow', () => {
	it('names the latest version overall and the highest-numbered version per stage, in stage order', () => {
		const doc = new Y.Doc();
		const m = createModel(doc, 'fraud', ['Production', 'Staging', 'Production', 'None', 'Archived'], { tags: { a: '1', b: '2' }, description: '\n  Scores card fraud.  \nSecond line' });
		moveAlias(doc, { model: m, alias: 'champion', version: m.versions[2], who: 'ada', now: 200 });
		const r = readModelRow(model(doc, 'fraud'));
		expect(r.latestVersion).toBe(5);
		expect(r.versionCount).toBe(5);
		expect(r.latestByStage).toEqual([
			{ stage: 'None', version: 4 },
			{ stage: 'Staging', version: 2 },
			{ stage: 'Production', version: 3 },
			{ stage: 'Archived', version: 5 }
		]);
		expect(r.aliases).toEqual([{ alias: 'champion', version: 3 }]);
		expect(r.snippet).toBe('Scores card fraud.');
		expect(r.tagCount).toBe(2);
		expect(r.lastUpdateTime).toBe(104);
	});

	it('reads a model without versions or description as empty', () => {
		const doc = new Y.Doc();
		const r = readModelRow(createModel(doc, 'empty', []));
		expect(r).toMatchObject({ latestVersion: null, latestByStage: [], aliases: [], snippet: '', tagCount: 0, versionCount: 0 });
	});
});

describe('readSnippet', () => {
	it('keeps the first non-empty line and cuts long ones with an ellipsis', () => {
		expect(readSnippet(null)).toBe('');
		expect(readSnippet('   \n\n')).toBe('');
		expect(readSnippet('short')).toBe('short');
		const cut = readSnippet('word '.repeat(40), 20);
		expect(cut.length).toBeLessThanOrEqual(20);
		expect(cut.endsWith('…')).toBe(true);
		expect(readSnippet('a'.repeat(20), 20)).toBe('a'.repeat(20));
	});

	it('reads Markdown as plain text', () => {
		expect(readSnippet('## Fraud **scorer** for `card` _payments_')).toBe('Fraud scorer for card payments');
		expect(readSnippet('- see [the docs](https://x.y/z) and ![chart](c.png)')).toBe('see the docs and chart');
		expect(readSnippet('> quoted\nnext')).toBe('quoted');
		expect(readSnippet('#\n\n1. first step')).toBe('first step');
		expect(readSnippet('snake_case_name and 2 * 3 * 4')).toBe('snake_case_name and 2 * 3 * 4');
	});
});

describe('filterModelRows and sortModelRows', () => {
	const rows = [row({ name: 'beta', lastUpdateTime: 5 }), row({ name: 'Alpha', lastUpdateTime: 9 }), row({ name: 'gamma-beta', lastUpdateTime: 5 })];

	it('filters by a case-insensitive substring of the name; blank keeps all', () => {
		expect(filterModelRows(rows, ' BETA ').map((r) => r.name)).toEqual(['beta', 'gamma-beta']);
		expect(filterModelRows(rows, '  ')).toHaveLength(3);
		expect(filterModelRows(rows, 'zeta')).toEqual([]);
	});

	it('sorts by name ignoring case, or by last update with ties by name', () => {
		expect(sortModelRows(rows, { column: 'name', desc: false }).map((r) => r.name)).toEqual(['Alpha', 'beta', 'gamma-beta']);
		expect(sortModelRows(rows, { column: 'name', desc: true }).map((r) => r.name)).toEqual(['gamma-beta', 'beta', 'Alpha']);
		expect(sortModelRows(rows, { column: 'updated', desc: true }).map((r) => r.name)).toEqual(['Alpha', 'beta', 'gamma-beta']);
		expect(sortModelRows(rows, { column: 'updated', desc: false }).map((r) => r.name)).toEqual(['beta', 'gamma-beta', 'Alpha']);
		expect(rows.map((r) => r.name)).toEqual(['beta', 'Alpha', 'gamma-beta']);
	});

	it('toggles the direction on the same column; a new time column starts newest first', () => {
		expect(toggleModelSort({ column: 'name', desc: false }, 'name')).toEqual({ column: 'name', desc: true });
		expect(toggleModelSort({ column: 'name', desc: false }, 'updated')).toEqual({ column: 'updated', desc: true });
		expect(toggleModelSort({ column: 'updated', desc: true }, 'name')).toEqual({ column: 'name', desc: false });
	});
});

describe('parseModelSort and formatModelSort', () => {
	it('round-trips every sort through the URL value and reads anything else as the default', () => {
		for (const sort of [
			{ column: 'name', desc: true },
			{ column: 'updated', desc: false },
			{ column: 'updated', desc: true }
		] as const) {
			expect(parseModelSort(formatModelSort(sort))).toEqual(sort);
		}
		expect(formatModelSort({ column: 'name', desc: false })).toBeNull();
		for (const bad of [null, '', '-', 'size', '--name', 'Name']) expect(parseModelSort(bad), String(bad)).toEqual({ column: 'name', desc: false });
	});
});

describe('readModelAudit', () => {
	it("keeps the model's entries, newest first, later entries first when times tie", () => {
		const doc = new Y.Doc();
		const m = createModel(doc, 'fraud', ['None', 'None']);
		createModel(doc, 'other', ['Staging']);
		moveStage(doc, { model: m, version: m.versions[0], stage: 'Production', who: 'ada', now: 300 });
		const m2 = model(doc, 'fraud');
		moveStage(doc, { model: m2, version: m2.versions[1], stage: 'Production', archiveExisting: true, who: 'bob', now: 400 });
		const log = readModelAudit(readAuditLog(doc), 'fraud');
		const brief = (e: AuditEntry) => [e.who, e.version, e.from, e.to];
		expect(log.map(brief)).toEqual([
			['bob', '2', 'None', 'Production'],
			['bob', '1', 'Production', 'Archived'],
			['ada', '1', 'None', 'Production']
		]);
		expect(readModelAudit(readAuditLog(doc), 'nobody')).toEqual([]);
	});
});

describe('stage moves', () => {
	it('archives existing versions only for Staging and Production, never the moved version itself', () => {
		const doc = new Y.Doc();
		const m = createModel(doc, 'fraud', ['Production', 'Production', 'Staging', 'None']);
		const v4 = m.versions[3];
		expect(readVersionsToArchive(m, 'Production', v4).map((v) => v.version)).toEqual([1, 2]);
		expect(readVersionsToArchive(m, 'Production', m.versions[0]).map((v) => v.version)).toEqual([2]);
		expect(readVersionsToArchive(m, 'Staging', v4).map((v) => v.version)).toEqual([3]);
		expect(readVersionsToArchive(m, 'None', m.versions[0])).toEqual([]);
		expect(readVersionsToArchive(m, 'Archived', v4)).toEqual([]);
		expect([canArchiveExisting('None'), canArchiveExisting('Staging'), canArchiveExisting('Production'), canArchiveExisting('Archived')]).toEqual([false, true, true, false]);
	});

	it('offers every stage but the current one', () => {
		const doc = new Y.Doc();
		const m = createModel(doc, 'fraud', ['Staging']);
		expect(readTargetStages(m.versions[0])).toEqual(['None', 'Production', 'Archived']);
	});
});

describe('checkAliasInput and normalizeDisplayName', () => {
	it('accepts what the MLflow API accepts and explains what it refuses', () => {
		expect(checkAliasInput(' champion ')).toEqual({ ok: true, value: 'champion' });
		expect(checkAliasInput('blue-green_2')).toEqual({ ok: true, value: 'blue-green_2' });
		for (const bad of ['', 'has space', 'latest', 'LATEST', 'v3', 'a'.repeat(256), 'dot.ted']) {
			const r = checkAliasInput(bad);
			expect(r.ok, bad).toBe(false);
			if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
		}
	});

	it('checks a model name as the MLflow API does and refuses one another model holds', () => {
		expect(checkModelNameInput('  fraud v2 ', ['churn'])).toEqual({ ok: true, value: 'fraud v2' });
		expect(checkModelNameInput('churn', ['churn'])).toEqual({ ok: false, error: 'Registered Model (name=churn) already exists.' });
		for (const bad of ['', '   ', 'a/b', 'a:b', '..x', 'n'.repeat(257)]) expect(checkModelNameInput(bad, []).ok, bad).toBe(false);
	});

	it("trims, caps at 64 characters and falls back to 'web'", () => {
		expect(normalizeDisplayName(null)).toBe('web');
		expect(normalizeDisplayName('   ')).toBe('web');
		expect(normalizeDisplayName('  ada ')).toBe('ada');
		expect(normalizeDisplayName('x'.repeat(100))).toBe('x'.repeat(64));
	});
});
