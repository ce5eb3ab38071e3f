import { describe, expect, it } from 'vitest';
import type { ModelVersionRecord, RegisteredModelRecord } from '../docs/registry';
import { IS_PROMPT_TAG, searchModelVersions, searchRegisteredModels } from './registry-search';
import { parseCreateModelVersion, parseGetLatestVersions, parseSearch, parseSetAlias, parseTransitionStage } from './registry-request';
import { readLatestVersions, toModelVersionJson, toRegisteredModelJson } from './registry-json';

function version(name: string, n: number, extra: Partial<ModelVersionRecord> = {}): ModelVersionRecord {
	return {
		id: `${name}-${n}`,
		modelId: name,
		name,
		version: n,
		creationTime: n * 10,
		lastUpdateTime: n * 10,
		stage: 'None',
		description: null,
		source: `s3://${name}/${n}`,
		storageLocation: `s3://${name}/${n}`,
		runId: null,
		runLink: null,
		loggedModelId: null,
		tags: {},
		aliases: [],
		...extra
	};
}

function model(name: string, lastUpdateTime: number, tags: Record<string, string>, versions: ModelVersionRecord[] = []): RegisteredModelRecord {
	return { id: name, name, creationTime: 1000 - lastUpdateTime, lastUpdateTime, description: null, tags, aliases: [], versions, nextVersion: versions.length + 1 };
}

const models = [
	model('alpha', 30, { tier: 'gold' }, [version('alpha', 1, { runId: 'r1', tags: { data: '2024' } }), version('alpha', 2, { stage: 'Production', lastUpdateTime: 99 })]),
	model('Beta', 10, { tier: 'silver' }, [version('Beta', 1, { runId: 'r2' })]),
	model('gamma', 20, { tier: 'gold' }),
	model('prompt-1', 40, { [IS_PROMPT_TAG]: 'true' }, [version('prompt-1', 1)])
];
const names = (filter: string, orderBy: string[] = []) => searchRegisteredModels(models, filter, orderBy).map((m) => m.name);
const refs = (filter: string, orderBy: string[] = []) => searchModelVersions(models, filter, orderBy).map((v) => `${v.name}/${v.version}`);

describe('registered model search', () => {
	it('filters by name (=, !=, LIKE, ILIKE, IN) and tags, excluding prompts unless asked for', () => {
		expect(names('')).toEqual(['Beta', 'alpha', 'gamma']);
		expect(names("name = 'alpha'")).toEqual(['alpha']);
		expect(names("name != 'alpha'")).toEqual(['Beta', 'gamma']);
		expect(names("name LIKE 'b%'")).toEqual([]);
		expect(names("name ILIKE 'b%'")).toEqual(['Beta']);
		expect(names("name IN ('gamma', 'alpha')")).toEqual(['alpha', 'gamma']);
		expect(names("tags.tier = 'gold' AND name LIKE '%a'")).toEqual(['alpha', 'gamma']);
		expect(names("tag.`tier` != 'gold'")).toEqual(['Beta']);
		// What every MLflow 3 client appends: untagged models match `!= 'true'`.
		expect(names("tag.`mlflow.prompt.is_prompt` != 'true'")).toEqual(['Beta', 'alpha', 'gamma']);
		expect(names("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual(['prompt-1']);
	});

	it('orders by name, timestamps (timestamp = last update), with name as the tiebreak', () => {
		expect(names('', ['name DESC'])).toEqual(['gamma', 'alpha', 'Beta']);
		expect(names('', ['last_updated_timestamp DESC'])).toEqual(['alpha', 'gamma', 'Beta']);
		expect(names('', ['timestamp'])).toEqual(['Beta', 'gamma', 'alpha']);
		expect(names('', ['creation_timestamp'])).toEqual(['alpha', 'gamma', 'Beta']);
	});

	it('refuses what MLflow refuses, with its messages', () => {
		expect(() => names("name = 'a' OR name = 'b'")).toThrow(/Invalid clause\(s\) in filter string/);
		expect(() => names("run_id = 'x'")).toThrow(/Invalid attribute key 'run_id'/);
		expect(() => names("params.x = '1'")).toThrow(/Invalid entity type 'params'/);
		expect(() => names('name = alpha')).toThrow(/not quoted/);
		expect(() => names('', ['stage'])).toThrow(/Invalid order by key 'stage'/);
		expect(() => names('', ['timestamp', 'last_updated_timestamp DESC'])).toThrow(/duplicate fields/);
	});
});

describe('model version search', () => {
	it('filters by name, run_id (IN too), source_path, version_number and tags', () => {
		expect(refs("name = 'alpha'", ['version_number ASC'])).toEqual(['alpha/1', 'alpha/2']);
		expect(refs("run_id IN ('r1', 'r2')", ['name'])).toEqual(['Beta/1', 'alpha/1']);
		expect(refs("source_path LIKE 's3://beta%'")).toEqual([]);
		expect(refs("source_path ILIKE 's3://beta%'")).toEqual(['Beta/1']);
		expect(refs('version_number >= 2')).toEqual(['alpha/2']);
		expect(refs("version_number = '1' AND tags.data = '2024'")).toEqual(['alpha/1']);
		expect(() => refs("source_path IN ('a')")).toThrow(/support comparison with a list/);
		expect(() => refs('name = 1')).toThrow(/numeric values/);
	});

	it('orders by last_updated_timestamp DESC, name ASC, version DESC by default', () => {
		expect(refs('')).toEqual(['alpha/2', 'Beta/1', 'alpha/1']);
		expect(refs('', ['name DESC'])).toEqual(['alpha/2', 'alpha/1', 'Beta/1']);
	});
});

describe('registry requests and JSON', () => {
	it('parses version numbers, stages, aliases and search limits like MLflow', () => {
		expect(parseTransitionStage({ name: 'm', version: '3', stage: 'PRODUCTION', archive_existing_versions: 'True' })).toEqual({
			name: 'm',
			version: 3,
			stage: 'Production',
			archiveExisting: true
		});
		expect(() => parseTransitionStage({ name: 'm', version: '3', stage: 'None', archive_existing_versions: true })).toThrow(/not an Active stage/);
		expect(() => parseSetAlias({ name: 'm', alias: 'V2', version: '1' })).toThrow("Version alias name 'V2' is reserved.");
		expect(() => parseSetAlias({ name: 'm', alias: 'a b', version: '1' })).toThrow(/Invalid alias name/);
		expect(parseGetLatestVersions({ name: 'm', stages: 'staging' })).toEqual({ name: 'm', stages: ['Staging'] });
		expect(parseSearch({ max_results: '5', order_by: 'name' }, 'models')).toEqual({ filter: '', maxResults: 5, orderBy: ['name'], offset: 0 });
		expect(parseSearch({}, 'versions').maxResults).toBe(200_000);
		expect(() => parseSearch({ max_results: 0 }, 'models')).toThrow(/positive integer/);
		expect(parseCreateModelVersion({ name: 'm', source: 's3://x', run_id: '', tags: [{ key: 'k', value: 1 }] })).toMatchObject({ runId: null, tags: { k: '1' } });
		expect(() => parseCreateModelVersion({ name: 'm' })).toThrow("Missing value for required parameter 'source'");
	});

	it('shapes versions and models as MLflow protos, READY and with only set optional fields', () => {
		expect(toModelVersionJson(version('alpha', 1, { runId: 'r1', aliases: ['champion'] }))).toEqual({
			name: 'alpha',
			version: '1',
			creation_timestamp: 10,
			last_updated_timestamp: 10,
			current_stage: 'None',
			source: 's3://alpha/1',
			status: 'READY',
			tags: [],
			aliases: ['champion'],
			run_id: 'r1'
		});
		const m = { ...models[0], aliases: [{ alias: 'champion', version: 2 }] };
		expect(readLatestVersions(m, ['Production', 'Staging']).map((v) => v.version)).toEqual([2]);
		expect(toRegisteredModelJson(m)).toMatchObject({
			name: 'alpha',
			tags: [{ key: 'tier', value: 'gold' }],
			aliases: [{ alias: 'champion', version: '2' }],
			latest_versions: [{ version: '1', current_stage: 'None' }, { version: '2', current_stage: 'Production' }]
		});
		expect(toRegisteredModelJson(m)).not.toHaveProperty('description');
	});
});
