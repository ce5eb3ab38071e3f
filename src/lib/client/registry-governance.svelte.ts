// Registry governance in the app: a model's protection, its move requests and its timeline, read live from the
// local `registry` document; protecting, requesting, approving and rejecting go to the server over HTTP (it is
// the authority that checks who may, and that a requester never decides their own request), and their results
// reach every open screen through the document. "Who" is the signed-in user, else this browser's display name.
import { docNames } from '$lib/core/schema';
import { readAuditLog, readRegisteredModels, type ModelStage, type RegisteredModelRecord } from '$lib/core/docs/registry';
import { isProtectedMove, readMoveRequests, readProtection, type Decision, type MoveRequest, type Protection } from '$lib/core/docs/registry-governance';
import { readTimeline, type Timeline } from '$lib/core/registry-timeline';
import { createDocsView, type DocsView } from './doc-view.svelte';
import { fetchApi, readErrorMessage } from './auth-events';
import { readSession } from './auth.svelte';
import { readDisplayName } from './registry-user.svelte';

export interface GovernancePage {
	protection: Protection;
	/** Newest first. */
	requests: MoveRequest[];
	timeline: Timeline;
}

const EMPTY: GovernancePage = { protection: { stages: [], aliases: [], by: '', at: 0 }, requests: [], timeline: { stages: [], aliases: [] } };

/** The model (by id) protection, requests and timeline. Call while a component initialises. */
export function createGovernanceView(modelId: () => string | null): DocsView<GovernancePage> {
	return createDocsView(
		modelId,
		() => [docNames.registry],
		([doc], id) => {
			const model = readRegisteredModels(doc).find((m) => m.id === id);
			if (!model) return EMPTY;
			return { protection: readProtection(doc, id), requests: readMoveRequests(doc, id).reverse(), timeline: readTimeline(readAuditLog(doc), model) };
		},
		EMPTY
	);
}

/** Who this browser acts as: the signed-in user, else the display name. */
export function readActor(): string {
	return readSession().identity?.user ?? readDisplayName().current;
}

class GovernanceNotice {
	/** The last outcome of a request, approval or protection change, for a status line. */
	current = $state<{ text: string; error: boolean } | null>(null);
}
/** The page's governance status line. */
export const governanceNotice = new GovernanceNotice();

/** A header carries Latin-1 only: a name beyond ASCII goes percent-encoded. */
const toHeaderValue = (name: string) => (/^[\x20-\x7e]*$/.test(name) ? name : encodeURIComponent(name));

type Answer<T> = { ok: true; value: T } | { ok: false; error: string };

async function call<T>(model: string, rest: string, method: string, body: unknown, pick: (json: Record<string, unknown>) => T): Promise<Answer<T>> {
	try {
		const res = await fetchApi(`/api/registry/models/${encodeURIComponent(model)}/${rest}`, {
			method,
			headers: { 'content-type': 'application/json', 'x-tandem-user': toHeaderValue(readDisplayName().current) },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		if (!res.ok) return { ok: false, error: await readErrorMessage(res) };
		return { ok: true, value: pick((await res.json()) as Record<string, unknown>) };
	} catch {
		return { ok: false, error: 'The server cannot be reached: protected moves, approvals and protection need it (unprotected moves still work offline).' };
	}
}

const report = <T>(answer: Answer<T>, ok: (v: T) => string): Answer<T> => {
	governanceNotice.current = answer.ok ? { text: ok(answer.value), error: false } : { text: answer.error, error: true };
	return answer;
};

export async function saveProtection(model: string, p: { stages: ModelStage[]; aliases: string[] }): Promise<Answer<Protection>> {
	return report(await call(model, 'protection', 'PUT', p, (j) => j as unknown as Protection), () => 'Protection saved.');
}

export async function decideRequest(model: string, id: string, decision: Decision): Promise<Answer<MoveRequest>> {
	const answer = await call(model, `requests/${id}/${decision}`, 'POST', {}, (j) => j.request as MoveRequest);
	return report(answer, (r) => (r.status === 'approved' ? 'Approved: the move was made.' : 'Rejected.'));
}

export type ProtectedMove = { kind: 'stage'; version: number; stage: ModelStage; archiveExisting: boolean } | { kind: 'alias'; alias: string; version: number | null };

function describe(move: ProtectedMove): string {
	return move.kind === 'stage' ? `stage ${move.stage}` : `alias @${move.alias}`;
}

/** Sends a request for a protected move; the notice says it awaits a second person. */
export async function requestMove(model: string, move: ProtectedMove): Promise<Answer<MoveRequest>> {
	const body = move.kind === 'stage' ? { kind: 'stage', version: move.version, stage: move.stage, archive_existing_versions: move.archiveExisting } : { kind: 'alias', alias: move.alias, version: move.version };
	const answer = await call(model, 'requests', 'POST', body, (j) => j.request as MoveRequest);
	return report(answer, () => `The ${describe(move)} is protected: your request awaits approval by a second person.`);
}

/**
 * Whether `move` on `model` is protected in `protection`; if so it is sent as a request (never written to the
 * document, which the relay would refuse) and true is returned.
 */
export function routeProtectedMove(model: RegisteredModelRecord, protection: Protection, move: ProtectedMove): boolean {
	const archives = move.kind === 'stage' && move.archiveExisting && model.versions.some((v) => v.version !== move.version && v.stage === move.stage);
	if (!isProtectedMove(protection, move.kind === 'stage' ? { kind: 'stage', stage: move.stage, archives } : move)) return false;
	void requestMove(model.name, move);
	return true;
}
