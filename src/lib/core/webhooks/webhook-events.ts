// Which webhook events a registry change fires, found by comparing what the registry holds now with what was seen
// (a flat map of rows, persisted by the server next to its outbox), so that a change made over the API or by a
// client over the relay fires the same events, and a change whose events were never recorded (the server was killed
// in between) fires them after a restart. Payloads are MLflow's (mlflow/webhooks/types.py), prompts' included. Pure.
import type { RegisteredModelRecord } from '../docs/registry';
import type { WebhookEventName } from './webhook-request';

/** Row key → value; keys are `m|v|t|a` + NUL-separated ids (model, version, version tag, alias). */
export type SeenRows = ReadonlyMap<string, string>;

export interface FiredEvent {
	event: WebhookEventName;
	data: Record<string, unknown>;
}

export interface RegistryDiff {
	events: FiredEvent[];
	/** Rows to write (value) or delete (null) so that `seen` becomes what the registry holds now. */
	changes: [string, string | null][];
}

const SEP = '\u0000';
const key = (...parts: string[]) => parts.join(SEP);

// MLflow's prompts are registered models tagged as prompts; their events are prompt.*, prompt_version.*, and so on.
const IS_PROMPT = 'mlflow.prompt.is_prompt';
const PROMPT_TYPE = '_mlflow_prompt_type';
const PROMPT_TEXT = 'mlflow.prompt.text';
const isPrompt = (m: RegisteredModelRecord) => IS_PROMPT in m.tags;
const without = (tags: Record<string, string>, keys: string[]) => Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k)));

/** The rows the registry holds now (live models, versions, version tags, aliases, and a prompt's own tags). */
export function readSeenRows(models: readonly RegisteredModelRecord[]): Map<string, string> {
	const rows = new Map<string, string>();
	for (const m of models) {
		rows.set(key('m', m.id), m.name);
		if (isPrompt(m)) for (const [k, value] of Object.entries(m.tags)) rows.set(key('g', m.id, k), value);
		for (const v of m.versions) {
			rows.set(key('v', v.id), `${m.id}${SEP}${v.version}`);
			for (const [k, value] of Object.entries(v.tags)) rows.set(key('t', v.id, k), value);
		}
		for (const a of m.aliases) rows.set(key('a', m.id, a.alias), String(a.version));
	}
	return rows;
}

/** The events that take `seen` to `models`, in a stable order (models, versions, tags, aliases), and the row changes. */
export function diffRegistry(seen: SeenRows, models: readonly RegisteredModelRecord[]): RegistryDiff {
	const now = readSeenRows(models);
	const events: FiredEvent[] = [];
	const byId = new Map(models.map((m) => [m.id, m]));
	const versionOf = new Map(models.flatMap((m) => m.versions.map((v) => [v.id, { m, v }] as const)));
	const created = new Set<string>();
	for (const m of models) {
		if (seen.has(key('m', m.id))) continue;
		created.add(m.id);
		if (isPrompt(m)) events.push({ event: 'prompt.created', data: { name: m.name, tags: without(m.tags, [IS_PROMPT, PROMPT_TYPE]), description: m.description } });
		else events.push({ event: 'registered_model.created', data: { name: m.name, tags: m.tags, description: m.description } });
	}
	for (const m of models) {
		for (const v of m.versions) {
			if (seen.has(key('v', v.id))) continue;
			created.add(v.id);
			const version = String(v.version);
			if (isPrompt(m)) {
				const tags = without(v.tags, [PROMPT_TEXT, IS_PROMPT, PROMPT_TYPE]);
				events.push({ event: 'prompt_version.created', data: { name: m.name, version, template: v.tags[PROMPT_TEXT] ?? null, tags, description: v.description } });
			} else events.push({ event: 'model_version.created', data: { name: m.name, version, source: v.source, run_id: v.runId, tags: v.tags, description: v.description } });
		}
	}
	const tagEvents: FiredEvent[] = [];
	const aliasEvents: FiredEvent[] = [];
	/** The event for a model's `entity` (`model_version_tag`, …), or its prompt twin. */
	const fire = (list: FiredEvent[], m: RegisteredModelRecord, entity: 'model_version_tag' | 'model_version_alias' | 'prompt_tag', action: string, data: Record<string, unknown>) => {
		const name = isPrompt(m) ? (entity === 'model_version_tag' ? 'prompt_version_tag' : entity === 'model_version_alias' ? 'prompt_alias' : entity) : entity;
		list.push({ event: `${name}.${action}` as WebhookEventName, data: { name: m.name, ...data } });
	};
	for (const [k, value] of now) {
		if (seen.get(k) === value) continue;
		const [kind, a, b] = k.split(SEP);
		if (kind === 't' && !created.has(a)) {
			const { m, v } = versionOf.get(a)!;
			fire(tagEvents, m, 'model_version_tag', 'set', { version: String(v.version), key: b, value });
		} else if (kind === 'g' && !created.has(a)) fire(tagEvents, byId.get(a)!, 'prompt_tag', 'set', { key: b, value });
		else if (kind === 'a') fire(aliasEvents, byId.get(a)!, 'model_version_alias', 'created', { alias: b, version: value });
	}
	for (const [k, value] of seen) {
		if (now.has(k)) continue;
		const [kind, a, b] = k.split(SEP);
		if (kind === 't' && versionOf.has(a)) {
			const { m, v } = versionOf.get(a)!;
			fire(tagEvents, m, 'model_version_tag', 'deleted', { version: String(v.version), key: b });
		} else if (kind === 'g' && byId.has(a) && isPrompt(byId.get(a)!)) fire(tagEvents, byId.get(a)!, 'prompt_tag', 'deleted', { key: b });
		else if (kind === 'a' && byId.has(a) && byId.get(a)!.versions.some((v) => String(v.version) === value)) {
			// An alias that went with its version (deleted) or its model fires nothing, as in MLflow.
			fire(aliasEvents, byId.get(a)!, 'model_version_alias', 'deleted', { alias: b });
		}
	}
	const changes: [string, string | null][] = [];
	for (const [k, value] of now) if (seen.get(k) !== value) changes.push([k, value]);
	for (const k of seen.keys()) if (!now.has(k)) changes.push([k, null]);
	return { events: [...events, ...tagEvents, ...aliasEvents], changes };
}

/** MLflow's example payload for a test delivery of `event`. */
export function readExamplePayload(event: string): Record<string, unknown> {
	const examples: Record<string, Record<string, unknown>> = {
		'registered_model.created': { name: 'example_model', tags: { example_key: 'example_value' }, description: 'An example registered model' },
		'model_version.created': { name: 'example_model', version: '1', source: 'models:/123', run_id: 'abcd1234abcd5678', tags: { example_key: 'example_value' }, description: 'An example model version' },
		'model_version_tag.set': { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' },
		'model_version_tag.deleted': { name: 'example_model', version: '1', key: 'example_key' },
		'model_version_alias.created': { name: 'example_model', alias: 'example_alias', version: '1' },
		'model_version_alias.deleted': { name: 'example_model', alias: 'example_alias' },
		'prompt.created': { name: 'example_prompt', tags: { example_key: 'example_value' }, description: 'An example prompt' },
		'prompt_version.created': { name: 'example_prompt', version: '1', template: 'Hello {{name}}!', tags: { example_key: 'example_value' }, description: 'An example prompt version' },
		'prompt_tag.set': { name: 'example_prompt', key: 'example_key', value: 'example_value' },
		'prompt_tag.deleted': { name: 'example_prompt', key: 'example_key' },
		'prompt_version_tag.set': { name: 'example_prompt', version: '1', key: 'example_key', value: 'example_value' },
		'prompt_version_tag.deleted': { name: 'example_prompt', version: '1', key: 'example_key' },
		'prompt_alias.created': { name: 'example_prompt', alias: 'example_alias', version: '1' },
		'prompt_alias.deleted': { name: 'example_prompt', alias: 'example_alias' }
	};
	return examples[event] ?? { name: 'example', event };
}
