// Seeded property test (issue 11 items 4 and 7): random valid Yjs edits — the app's kinds of edit with edge values,
// and map sets and deletes, nested types, list and text edits at random keys — made through a real WebsocketProvider on every
// client-writable document (workspace, exp/<id>, run/<id>, registry, exp/<id>/models); after each batch every HTTP
// read of them answers 200 with well-formed JSON of its shape, and a batch the relay refused whole left the document
// as it was. TANDEM_FUZZ_SEED / TANDEM_FUZZ_ITERATIONS replay a run (iterations = batches).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type WebSocket from 'ws';
import type { WebsocketProvider } from 'y-websocket';
import { createFuzzRandom, readFuzzConfig } from './helpers/fuzz-random';
import { createFindings, sendRaw, type Findings } from './helpers/fuzz-http';
import { createSentinels, type Sentinels } from './helpers/fuzz-sentinels';
import { startFuzzServer, type FuzzServer } from './helpers/fuzz-server';
import { createHttpReads, checkHttpReads } from './helpers/fuzz-reads';
import { applyPlausibleEdit, applyRandomEdit } from './helpers/fuzz-yjs';
import { isSameState } from './helpers/fuzz-relay';
import { createRelayKit, encodeSyncFrame, readPermissionDenied } from './helpers/relay-clients';
import type { RelayServer } from './helpers/relay-server';
import { waitFor } from './helpers/wait';

const { seed, iterations } = readFuzzConfig('fuzz-docs', { seed: 110_027, iterations: 400 });
const MAX_EDITS = 6;

const kit = createRelayKit('workspace');
let server: FuzzServer;
let s: Sentinels;
let relay: RelayServer;
let writable: string[];

beforeAll(async () => {
	server = await startFuzzServer();
	s = await createSentinels(server.url);
	relay = { url: server.url, wsUrl: `${server.url.replace(/^http/, 'ws')}/sync` } as Pick<RelayServer, 'url' | 'wsUrl'> as RelayServer;
	writable = ['workspace', `exp/${s.experimentId}`, `run/${s.runId}`, `run/${s.victims.runId}`, 'registry', `exp/${s.experimentId}/models`];
});
afterAll(async () => {
	await kit.cleanup();
	await server?.close();
});

async function fetchDoc(name: string): Promise<Uint8Array> {
	const answer = await sendRaw(server.url, { method: 'GET', target: `/api/docs/${name}`, label: 'doc' });
	if (answer.status !== 200) throw new Error(`GET /api/docs/${name} → ${answer.status}`);
	return new Uint8Array(answer.body);
}

/**
 * Sends a sync step 1 on the provider's own socket and resolves with the permission-denied reasons that came
 * before the relay's step 2: once it arrives, every update the provider sent before it has been handled.
 */
async function roundTrip(provider: WebsocketProvider): Promise<string[]> {
	const ws = provider.ws as unknown as WebSocket;
	const denied: string[] = [];
	let answered = false;
	const onMessage = (data: Buffer) => {
		const m = new Uint8Array(data);
		if (m[0] === 0 && m[1] === 1) answered = true;
		else if (m[0] === 2) denied.push(readPermissionDenied(m) ?? '?');
	};
	ws.on('message', onMessage);
	try {
		ws.send(encodeSyncFrame(0, Y.encodeStateVector(new Y.Doc())));
		await waitFor(() => answered, { what: 'the step 2 after the edits', events: [[ws, 'message']] });
	} finally {
		ws.off('message', onMessage);
	}
	return denied;
}

describe('property: random valid Yjs edits on client-writable documents', () => {
	it('leave every HTTP read answering 200 with its shape, or are refused and change nothing', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}); // y-websocket warns on each refusal
		const findings: Findings = createFindings(() => server.url);
		const reads = createHttpReads(s);
		const rng = createFuzzRandom(seed);
		const outcomes = new Map<string, number>();
		const started = performance.now();
		try {
			for (let i = 0; i < iterations; i++) {
				const name = rng.pick(writable);
				const provider = kit.connect(relay, name);
				await kit.synced(provider);
				const before = await fetchDoc(name);
				let edits = 0;
				for (let e = rng.int(1, MAX_EDITS); e > 0; e--) {
					const sv = Y.encodeStateVector(provider.doc);
					provider.doc.transact(() => (rng.chance(0.6) ? applyPlausibleEdit : applyRandomEdit)(rng, provider.doc, name));
					if (Y.encodeStateAsUpdate(provider.doc, sv).byteLength > 2) edits++;
				}
				const denied = await roundTrip(provider);
				const after = await fetchDoc(name);
				const outcome = denied.length === 0 ? 'accepted' : denied.length >= edits ? 'refused' : 'partly refused';
				outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
				if (outcome === 'refused' && !isSameState(before, after)) {
					findings.add(`refused edits changed ${name}`, { method: 'WS', target: name, label: `seed ${seed} batch ${i}` });
				}
				await checkHttpReads(server.url, reads, findings, `after batch ${i} on ${name} (${outcome}: ${denied.slice(0, 2).join('; ').slice(0, 200)})`);
				provider.destroy();
			}
		} finally {
			warn.mockRestore();
		}
		console.log(`fuzz-docs: ${iterations} batches in ${((performance.now() - started) / 1000).toFixed(1)} s: ${[...outcomes].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
		if (findings.list().length > 0) console.log(`fuzz-docs findings (seed ${seed}):\n${findings.report()}`);
		expect(findings.list(), findings.report()).toEqual([]);
	}, 120_000);
});
