// MLflow's webhook REST API under /api/2.0/mlflow/webhooks (and /ajax-api): create, list, get, update, delete and
// test, with MLflow's checks (name, URL scheme and target, events, status) and answers; secrets are stored, never
// returned. Admin only, as in MLflow's auth app (route-access.ts: the paths name no resource, so they need an admin).
import { randomUUID } from 'node:crypto';
import { notFound, invalid } from '../../src/lib/core/errors';
import {
	formatPageToken,
	parseCreateWebhook,
	parseListWebhooks,
	parseTestWebhook,
	parseUpdateWebhook,
	toWebhookJson,
	type WebhookRecord
} from '../../src/lib/core/webhooks/webhook-request';
import { checkWebhookUrl } from '../../src/lib/core/webhooks/webhook-url';
import { readExamplePayload } from '../../src/lib/core/webhooks/webhook-events';
import { readQueryMessage } from '../../src/lib/core/mlflow/message';
import type { Router } from '../http/router';
import type { StoredWebhook, WebhookStore } from '../webhooks/webhook-store';
import { checkResolvedHost, sendWebhook, type WebhookSettings } from '../webhooks/webhook-delivery';

export interface WebhookApiDeps {
	store: WebhookStore;
	settings: WebhookSettings;
	/** Sends what is due (a webhook was enabled or changed). */
	kick: () => void;
	now?: () => number;
}

/** MLflow's URL checks, DNS included (create and update). */
async function checkUrl(url: string, settings: WebhookSettings): Promise<void> {
	const checked = checkWebhookUrl(url, settings);
	if (!checked.ok) throw invalid(checked.error);
	if (!checked.ipLiteral) {
		const error = await checkResolvedHost(checked.hostname, settings);
		if (error) throw invalid(error);
	}
}

export function addMlflowWebhookApi(router: Router, deps: WebhookApiDeps): void {
	const { store, settings } = deps;
	const now = deps.now ?? Date.now;
	const base = '^/(?:api|ajax-api)/2\\.0/mlflow/webhooks';
	const one = new RegExp(`${base}/([^/]+)$`);
	const require = async (id: string): Promise<StoredWebhook> => {
		const hook = await store.get(id);
		if (!hook) throw notFound(`Webhook with ID ${id} not found.`);
		return hook;
	};

	router.add('POST', new RegExp(`${base}$`), async (ctx) => {
		const input = parseCreateWebhook(await ctx.json());
		await checkUrl(input.url, settings);
		const at = now();
		return { webhook: toWebhookJson(await store.create({ ...input, creationTimestamp: at, lastUpdatedTimestamp: at })) };
	});
	router.add('GET', new RegExp(`${base}$`), async (ctx) => {
		const { maxResults, offset } = parseListWebhooks(readQueryMessage(ctx.url.searchParams, []) as Record<string, unknown>);
		const page = await store.list(maxResults + 1, offset);
		const more = page.length > maxResults;
		return { webhooks: page.slice(0, maxResults).map(toWebhookJson), ...(more ? { next_page_token: formatPageToken(offset + maxResults) } : {}) };
	});
	router.add('GET', one, async (ctx) => ({ webhook: toWebhookJson(await require(ctx.params[0])) }));
	router.add('PATCH', one, async (ctx) => {
		const patch = parseUpdateWebhook(await ctx.json());
		const hook = await require(ctx.params[0]);
		if (patch.url !== undefined) await checkUrl(patch.url, settings);
		if (hook.secretError && patch.secret === undefined) throw invalid(`${hook.secretError}, or set a new secret`);
		const { secretError: _unread, ...stored } = hook;
		const updated: WebhookRecord = { ...stored, ...patch, lastUpdatedTimestamp: now() };
		await store.update(updated);
		deps.kick();
		return { webhook: toWebhookJson(updated) };
	});
	router.add('DELETE', one, async (ctx) => {
		if (!(await store.delete(ctx.params[0], now()))) throw notFound(`Webhook with ID ${ctx.params[0]} not found.`);
		return {};
	});
	router.add('POST', new RegExp(`${base}/([^/]+)/test$`), async (ctx) => {
		const hook = await require(ctx.params[0]);
		const event = parseTestWebhook(await ctx.json()) ?? hook.events[0];
		const [entity, action] = event.split('.');
		const body = JSON.stringify({ entity, action, timestamp: new Date(now()).toISOString(), data: readExamplePayload(event) });
		if (hook.secretError) return { result: { success: false, error_message: `Failed to test webhook: ${hook.secretError}` } };
		const result = await sendWebhook(hook, randomUUID(), body, settings);
		if (result.kind !== 'response') return { result: { success: false, error_message: `Failed to test webhook: ${result.error}` } };
		return { result: { success: result.status < 400, response_status: result.status, response_body: result.body } };
	});
}
