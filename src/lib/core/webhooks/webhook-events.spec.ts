// Which events a registry change fires (diffing what is held now against what was seen), and the webhook requests.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readRegisteredModels } from '../docs/registry';
import { createModelVersion, createRegisteredModel, deleteModelVersion, moveAlias, updateModelVersion, updateRegisteredModel } from '../docs/registry-edit';
import { readRegisteredModel } from '../docs/registry';
import { diffRegistry, readSeenRows } from './webhook-events';
import { parseCreateWebhook, parseListWebhooks, parseUpdateWebhook, toWebhookJson, formatPageToken } from './webhook-request';

const M = 'c'.repeat(32);
const V1 = 'd'.repeat(32);

describe('webhook events from registry changes', () => {
	it('fires created, tag and alias events once, with MLflow payloads, and nothing when nothing changed', () => {
		const doc = new Y.Doc();
		let seen = readSeenRows([]);
		const step = () => {
			const models = readRegisteredModels(doc);
			const diff = diffRegistry(seen, models);
			seen = readSeenRows(models);
			return diff.events;
		};
		createRegisteredModel(doc, { id: M, name: 'fraud', tags: { team: 'ml' }, now: 1 });
		createModelVersion(doc, { id: V1, modelId: M, number: 1, source: 's3://b/1', runId: 'r'.repeat(32), tags: { a: '1' }, now: 2 });
		expect(step()).toEqual([
			{ event: 'registered_model.created', data: { name: 'fraud', tags: { team: 'ml' }, description: null } },
			{ event: 'model_version.created', data: { name: 'fraud', version: '1', source: 's3://b/1', run_id: 'r'.repeat(32), tags: { a: '1' }, description: null } }
		]);
		expect(step()).toEqual([]);
		updateModelVersion(doc, V1, { tags: { b: '2' }, deleteTags: ['a'] });
		expect(step()).toEqual([
			{ event: 'model_version_tag.set', data: { name: 'fraud', version: '1', key: 'b', value: '2' } },
			{ event: 'model_version_tag.deleted', data: { name: 'fraud', version: '1', key: 'a' } }
		]);
		const model = () => readRegisteredModel(doc, 'fraud')!;
		moveAlias(doc, { model: model(), alias: 'champion', version: model().versions[0], who: 'x', now: 3 });
		expect(step()).toEqual([{ event: 'model_version_alias.created', data: { name: 'fraud', alias: 'champion', version: '1' } }]);
		moveAlias(doc, { model: model(), alias: 'champion', version: null, who: 'x', now: 4 });
		expect(step()).toEqual([{ event: 'model_version_alias.deleted', data: { name: 'fraud', alias: 'champion' } }]);
		moveAlias(doc, { model: model(), alias: 'champion', version: model().versions[0], who: 'x', now: 5 });
		step();
		deleteModelVersion(doc, { model: model(), version: model().versions[0], who: 'x', now: 6 });
		// Deleting a version takes its aliases with it and fires nothing, as MLflow's delete_model_version.
		expect(step()).toEqual([]);
	});

	it("fires MLflow's prompt events for a registered model tagged as a prompt", () => {
		const doc = new Y.Doc();
		const P = 'b'.repeat(32);
		createRegisteredModel(doc, { id: P, name: 'greeting', tags: { 'mlflow.prompt.is_prompt': 'true', team: 'nlp' }, now: 1 });
		createModelVersion(doc, { id: V1, modelId: P, number: 1, source: 's', tags: { 'mlflow.prompt.is_prompt': 'true', 'mlflow.prompt.text': 'Hi {{name}}', lang: 'en' }, now: 2 });
		let seen = readSeenRows([]);
		const step = () => {
			const models = readRegisteredModels(doc);
			const { events } = diffRegistry(seen, models);
			seen = readSeenRows(models);
			return events;
		};
		expect(step()).toEqual([
			{ event: 'prompt.created', data: { name: 'greeting', tags: { team: 'nlp' }, description: null } },
			{ event: 'prompt_version.created', data: { name: 'greeting', version: '1', template: 'Hi {{name}}', tags: { lang: 'en' }, description: null } }
		]);
		const prompt = () => readRegisteredModel(doc, 'greeting')!;
		updateRegisteredModel(doc, P, { tags: { owner: 'ana' } });
		updateModelVersion(doc, V1, { tags: { reviewed: 'yes' } });
		moveAlias(doc, { model: prompt(), alias: 'prod', version: prompt().versions[0], who: 'x', now: 3 });
		expect(step().map((e) => e.event).sort()).toEqual(['prompt_alias.created', 'prompt_tag.set', 'prompt_version_tag.set']);
		updateRegisteredModel(doc, P, { deleteTags: ['owner'] });
		expect(step()).toEqual([{ event: 'prompt_tag.deleted', data: { name: 'greeting', key: 'owner' } }]);
	});

	it('a missed change (rows never updated) is fired later from the rows still seen', () => {
		const doc = new Y.Doc();
		createRegisteredModel(doc, { id: M, name: 'fraud', now: 1 });
		const seen = readSeenRows(readRegisteredModels(doc));
		createModelVersion(doc, { id: V1, modelId: M, number: 1, source: 's', now: 2 });
		const diff = diffRegistry(seen, readRegisteredModels(doc));
		expect(diff.events.map((e) => e.event)).toEqual(['model_version.created']);
		expect(diff.changes.length).toBeGreaterThan(0);
	});
});

describe('webhook requests', () => {
	it('parses MLflow create and update messages, and never returns the secret', () => {
		const input = parseCreateWebhook({ name: 'ci.hook', url: 'https://x.example/h', events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }, 'model_version_alias.created'], secret: 's3cret' });
		expect(input).toEqual({ name: 'ci.hook', url: 'https://x.example/h', events: ['model_version.created', 'model_version_alias.created'], description: null, secret: 's3cret', status: 'ACTIVE' });
		const json = toWebhookJson({ ...input, id: 'w', creationTimestamp: 1, lastUpdatedTimestamp: 2 });
		expect(json).toEqual({ webhook_id: 'w', name: 'ci.hook', url: 'https://x.example/h', events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }, { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }], status: 'ACTIVE', creation_timestamp: 1, last_updated_timestamp: 2 });
		expect(JSON.stringify(json)).not.toContain('s3cret');
		expect(parseUpdateWebhook({ status: 'disabled', events: [] })).toEqual({ status: 'DISABLED' });
	});

	it('refuses bad names, events, statuses and pages with MLflow messages', () => {
		expect(() => parseCreateWebhook({ name: '-bad', url: 'https://x', events: ['model_version.created'] })).toThrow(/Webhook name '-bad' is invalid/);
		expect(() => parseCreateWebhook({ name: 'a', url: 'https://x', events: [] })).toThrow(/non-empty list/);
		expect(() => parseCreateWebhook({ name: 'a', url: 'https://x' })).toThrow(/required parameter 'events'/);
		expect(() => parseCreateWebhook({ name: 'a', url: 'https://x', events: [{ entity: 'MODEL_VERSION', action: 'SET' }] })).toThrow(/Invalid webhook event 'model_version.set'/);
		expect(() => parseCreateWebhook({ name: 'a', events: ['model_version.created'] })).toThrow(/required parameter 'url'/);
		expect(() => parseCreateWebhook({ name: 'a', url: 'https://x', events: ['model_version.created'], status: 'ON' })).toThrow(/ACTIVE or DISABLED/);
		expect(() => parseCreateWebhook([])).toThrow(/JSON object/);
		expect(() => parseListWebhooks({ max_results: '1001' })).toThrow(/between 1 and 1000/);
		expect(() => parseListWebhooks({ page_token: 'junk' })).toThrow(/Invalid page token/);
		expect(parseListWebhooks({ page_token: formatPageToken(5) })).toEqual({ maxResults: 100, offset: 5 });
	});
});
