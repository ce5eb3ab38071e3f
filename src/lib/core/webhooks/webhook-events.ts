// Which webhook events a registry change fires, found by comparing what the registry holds now with what was seen
// (a flat map of rows, persisted by the server next to its outbox), so that a change made over the API or by a
// client over the relay fires the same events, and a change whose events were never recorded (the server was killed
// in between) fires them after a restart. Payloads are MLflow's (mlflow/webhooks/types.py). Pure.
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

/** The rows the registry holds now (live models, versions, version tags and aliases). */
export function readSeenRows(models: readonly RegisteredModelRecord[]): Map<string, string> {
	const rows = new Map<string, string>();
	for (const m of models) {
		rows.set(key('m', m.id), m.name);
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
		events.push({ event: 'registered_model.created', data: { name: m.name, tags: m.tags, description: m.description } });
	}
	for (const m of models) {
		for (const v of m.versions) {
			if (seen.has(key('v', v.id))) continue;
			created.add(v.id);
			events.push({ event: 'model_version.created', data: { name: m.name, version: String(v.version), source: v.source, run_id: v.runId, tags: v.tags, description: v.description } });
		}
	}
	const tagEvents: FiredEvent[] = [];
	const aliasEvents: FiredEvent[] = [];
	for (const [k, value] of now) {
		if (seen.get(k) === value) continue;
		const [kind, a, b] = k.split(SEP);
		if (kind === 't' && !created.has(a)) {
			const { m, v } = versionOf.get(a)!;
			tagEvents.push({ event: 'model_version_tag.set', data: { name: m.name, version: String(v.version), key: b, value } });
		} else if (kind === 'a') {
			aliasEvents.push({ event: 'model_version_alias.created', data: { name: byId.get(a)!.name, alias: b, version: value } });
		}
	}
	for (const [k, value] of seen) {
		if (now.has(k)) continue;
		const [kind, a, b] = k.split(SEP);
		if (kind === 't' && versionOf.has(a)) {
			const { m, v } = versionOf.get(a)!;
			tagEvents.push({ event: 'model_version_tag.deleted', data: { name: m.name, version: String(v.version), key: b } });
		} else if (kind === 'a' && byId.has(a) && byId.get(a)!.versions.some((v) => String(v.version) === value)) {
			// An alias that went with its version (deleted) or its model fires nothing, as in MLflow.
			aliasEvents.push({ event: 'model_version_alias.deleted', data: { name: byId.get(a)!.name, alias: b } });
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
		'model_version_alias.deleted': { name: 'example_model', alias: 'example_alias' }
	};
	return examples[event] ?? { name: 'example', event };
}
