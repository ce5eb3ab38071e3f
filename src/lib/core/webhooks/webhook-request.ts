// MLflow 3.x's webhook REST messages (mlflow/protos/webhooks.proto, server/handlers.py): the events (entity and
// action, sent as proto enum names), the create, update, list and test requests parsed and checked as MLflow's
// handlers and SQL store check them, and a webhook as its JSON (the secret is never part of it).
import { invalid } from '../errors';

/** Registry events (registered models, versions, their tags and aliases) as MLflow's `entity.action` strings. */
export const WEBHOOK_EVENTS = [
	'registered_model.created',
	'model_version.created',
	'model_version_tag.set',
	'model_version_tag.deleted',
	'model_version_alias.created',
	'model_version_alias.deleted'
] as const;
/** The same for MLflow's prompts (registered models tagged as prompts). */
export const PROMPT_EVENTS = [
	'prompt.created',
	'prompt_version.created',
	'prompt_tag.set',
	'prompt_tag.deleted',
	'prompt_version_tag.set',
	'prompt_version_tag.deleted',
	'prompt_alias.created',
	'prompt_alias.deleted'
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number] | (typeof PROMPT_EVENTS)[number];

/** Every event MLflow accepts (budget policies are not Tandem's: a webhook may subscribe, and is never called). */
const MLFLOW_EVENTS: readonly string[] = [...WEBHOOK_EVENTS, ...PROMPT_EVENTS, 'budget_policy.exceeded'];

export const WEBHOOK_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface WebhookRecord {
	id: string;
	name: string;
	description: string | null;
	url: string;
	/** `entity.action` strings, in the order given, without repeats. */
	events: string[];
	status: WebhookStatus;
	secret: string | null;
	/** ms since epoch */
	creationTimestamp: number;
	lastUpdatedTimestamp: number;
}

export interface CreateWebhookInput {
	name: string;
	url: string;
	events: string[];
	description: string | null;
	secret: string | null;
	status: WebhookStatus;
}
export type UpdateWebhookInput = Partial<CreateWebhookInput>;

const NAME = /^(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i;
const MAX_TEXT = 1000;
const MAX_SECRET = 1000;
const MAX_EVENTS = 32;

type Msg = Record<string, unknown>;

function asMessage(m: unknown): Msg {
	if (m === null || typeof m !== 'object' || Array.isArray(m)) throw invalid('Request body must be a JSON object');
	return m as Msg;
}

function readString(m: Msg, key: string, max: number): string | undefined {
	const v = m[key];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string') throw invalid(`Invalid value ${JSON.stringify(v)} for parameter '${key}' supplied: must be a string`);
	if (v.length > max) throw invalid(`Parameter '${key}' must be at most ${max} characters`);
	return v;
}

export function checkWebhookName(name: string): string {
	if (!NAME.test(name)) {
		throw invalid(`Webhook name '${name}' is invalid. It must start and end with a letter or digit, be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).`);
	}
	return name;
}

/** One event: `{entity: 'MODEL_VERSION', action: 'CREATED'}` (proto JSON), or the string 'model_version.created'. */
export function readWebhookEvent(v: unknown): string {
	let name: string;
	if (typeof v === 'string') name = v;
	else if (v && typeof v === 'object' && !Array.isArray(v)) {
		const { entity, action } = v as Msg;
		if (typeof entity !== 'string' || typeof action !== 'string') throw invalid(`Webhook event must have a string entity and action: ${JSON.stringify(v)}`);
		name = `${entity.toLowerCase()}.${action.toLowerCase()}`;
	} else throw invalid(`Webhook event must be an object with entity and action: ${JSON.stringify(v)}`);
	if (!MLFLOW_EVENTS.includes(name)) throw invalid(`Invalid webhook event '${name.slice(0, 100)}'. Valid events are: ${MLFLOW_EVENTS.join(', ')}`);
	return name;
}

function readEvents(m: Msg, required: boolean): string[] | undefined {
	const v = m.events;
	if (v === undefined || v === null || (!required && Array.isArray(v) && v.length === 0)) {
		if (required) throw invalid("Missing value for required parameter 'events'.");
		return undefined;
	}
	if (!Array.isArray(v) || v.length === 0) throw invalid(`Webhook events must be a non-empty list of events: ${JSON.stringify(v).slice(0, 200)}.`);
	if (v.length > MAX_EVENTS) throw invalid(`A webhook subscribes to at most ${MAX_EVENTS} events`);
	return [...new Set(v.map(readWebhookEvent))];
}

function readStatus(m: Msg): WebhookStatus | undefined {
	const v = m.status;
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string' || !(WEBHOOK_STATUSES as readonly string[]).includes(v.toUpperCase())) throw invalid(`Invalid webhook status ${JSON.stringify(v)}: must be ACTIVE or DISABLED`);
	return v.toUpperCase() as WebhookStatus;
}

/** A create request; the URL is checked by the caller (it needs the settings and DNS). */
export function parseCreateWebhook(body: unknown): CreateWebhookInput {
	const m = asMessage(body);
	const name = readString(m, 'name', 63);
	if (!name) throw invalid("Missing value for required parameter 'name'.");
	const url = readString(m, 'url', 2048);
	if (!url) throw invalid("Missing value for required parameter 'url'.");
	return {
		name: checkWebhookName(name),
		url,
		events: readEvents(m, true)!,
		description: readString(m, 'description', MAX_TEXT) || null,
		secret: readString(m, 'secret', MAX_SECRET) || null,
		status: readStatus(m) ?? 'ACTIVE'
	};
}

/** An update: only the fields given change (MLflow: an empty name, url or events list leaves them as they are). */
export function parseUpdateWebhook(body: unknown): UpdateWebhookInput {
	const m = asMessage(body);
	const out: UpdateWebhookInput = {};
	const name = readString(m, 'name', 63);
	if (name) out.name = checkWebhookName(name);
	const url = readString(m, 'url', 2048);
	if (url) out.url = url;
	const events = readEvents(m, false);
	if (events) out.events = events;
	const description = readString(m, 'description', MAX_TEXT);
	if (description !== undefined) out.description = description || null;
	const secret = readString(m, 'secret', MAX_SECRET);
	if (secret !== undefined) out.secret = secret || null;
	const status = readStatus(m);
	if (status) out.status = status;
	return out;
}

/** `max_results` (1–1000, default 100) and an opaque `page_token` (an offset). */
export function parseListWebhooks(m: Msg): { maxResults: number; offset: number } {
	const raw = m.max_results;
	const maxResults = raw === undefined || raw === null || raw === '' || raw === 0 || raw === '0' ? 100 : Number(raw);
	if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) throw invalid('max_results must be between 1 and 1000.');
	const token = m.page_token;
	if (token === undefined || token === null || token === '') return { maxResults, offset: 0 };
	let offset = NaN;
	try {
		offset = typeof token === 'string' ? Number((JSON.parse(atob(token)) as { offset?: unknown }).offset) : NaN;
	} catch {
		// fall through
	}
	if (!Number.isSafeInteger(offset) || offset < 0) throw invalid(`Invalid page token, could not base64-decode: ${String(token).slice(0, 100)}`);
	return { maxResults, offset };
}

export const formatPageToken = (offset: number) => btoa(JSON.stringify({ offset }));

/** The optional event of a test request. */
export function parseTestWebhook(body: unknown): string | null {
	const m = body === undefined || body === null ? {} : asMessage(body);
	return m.event === undefined || m.event === null ? null : readWebhookEvent(m.event);
}

const toProtoEvent = (e: string) => {
	const [entity, action] = e.split('.');
	return { entity: entity.toUpperCase(), action: action.toUpperCase() };
};

/** A webhook as MLflow's JSON; the secret is never returned. */
export function toWebhookJson(w: WebhookRecord) {
	return {
		webhook_id: w.id,
		name: w.name,
		...(w.description ? { description: w.description } : {}),
		url: w.url,
		events: w.events.map(toProtoEvent),
		status: w.status,
		creation_timestamp: w.creationTimestamp,
		last_updated_timestamp: w.lastUpdatedTimestamp
	};
}
