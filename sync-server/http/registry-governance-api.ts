// The registry governance API: a model's timeline, its protected stages and aliases, and move requests with their
// approval or rejection, under /api/registry/models/<name>/… (levels in route-access.ts: READ to read, MANAGE to
// change protection, EDIT to request and decide). "Who" is the signed-in user, or the display name the app sends.
import { parseDecision, parseMoveRequest, parseProtection, parseTimelineAt } from '../../src/lib/core/registry-governance-request';
import type { Router } from './router';
import type { GovernanceService } from '../tracking/registry-governance';
import { readRequestUser } from '../mlflow/registry-api';

export function addRegistryGovernanceApi(router: Router, deps: { governance: GovernanceService }): void {
	const { governance } = deps;
	const model = (rest: string) => new RegExp(`^/api/registry/models/([^/]+)/${rest}$`);

	router.add('GET', model('timeline'), (ctx) => governance.timeline(ctx.params[0], parseTimelineAt(ctx.url.searchParams)));
	router.add('GET', model('protection'), (ctx) => governance.getProtection(ctx.params[0]));
	router.add('PUT', model('protection'), async (ctx) => governance.setProtection(ctx.params[0], parseProtection(await ctx.json()), readRequestUser(ctx.req)));
	router.add('GET', model('requests'), async (ctx) => ({ requests: await governance.listRequests(ctx.params[0]) }));
	router.add('POST', model('requests'), async (ctx) => ({ request: await governance.requestMove(ctx.params[0], parseMoveRequest(await ctx.json()), readRequestUser(ctx.req)) }));
	router.add('GET', model('requests/([0-9a-f]{32})'), async (ctx) => ({ request: await governance.getRequest(ctx.params[0], ctx.params[1]) }));
	router.add('POST', model('requests/([0-9a-f]{32})/(approve|reject)'), async (ctx) => {
		const { decision, note } = parseDecision(ctx.params[2], await ctx.json());
		return { request: await governance.decide(ctx.params[0], ctx.params[1], decision, readRequestUser(ctx.req), note) };
	});
}
