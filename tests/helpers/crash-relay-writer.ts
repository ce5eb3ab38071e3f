// The crash test's relay writer: a y-websocket client that edits one run's tags (`exp/<id>`) and appends markers to
// its notes (`run/<id>`), each edit acknowledged once the server's copy has it (read back over HTTP). The client
// dies with the server (a fresh one per server life), so an acknowledged edit can only survive in the server's store.
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { docNames } from '../../src/lib/core/schema';
import { updateRun } from '../../src/lib/core/docs/experiment';
import { readNotes } from '../../src/lib/core/docs/run';
import { setNotes } from '../../src/lib/core/docs/notes';
import { waitFor } from './wait';
import type { CrashServer, CrashWriter, Ledger, RunLedger, Write } from './crash-harness';

const ORIGIN = { kind: 'crash-relay-writer' } as const;

/** The run's notes as the server has them (GET /api/docs/run/<id>). */
export async function fetchNotes(baseUrl: string, runId: string): Promise<string> {
	const res = await fetch(`${baseUrl}/api/docs/${docNames.run(runId)}`);
	if (res.status !== 200) throw new Error(`GET run doc: ${res.status}`);
	const doc = new Y.Doc();
	Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()));
	return readNotes(doc);
}

async function fetchTags(baseUrl: string, runId: string): Promise<Record<string, string>> {
	const res = await fetch(`${baseUrl}/api/runs/${runId}`);
	if (res.status !== 200) throw new Error(`GET run: ${res.status}`);
	return ((await res.json()) as { run: { tags: Record<string, string> } }).run.tags;
}

interface Session {
	dead: boolean;
	loop: Promise<void>;
	close(): void;
}

export function createRelayWriter(server: CrashServer, ledger: Ledger, run: RunLedger, experimentId: string): CrashWriter {
	const name = 'relay';
	const runId = run.runId()!;
	const wsUrl = `${server.url.replace(/^http/, 'ws')}/sync`;
	let stopping = false;
	let edits = 0;
	let session: Session | null = null;

	/** One edit: a new tag and a notes marker; resolves once the server has both, or the session died. */
	async function edit(s: Session, exp: Y.Doc, notes: Y.Doc): Promise<void> {
		const i = ++edits;
		const tag: Write = { run, tags: { [`relay.t${i}`]: `r${i}` } };
		const note: Write = { run, notes: [`n${i};`] };
		ledger.attempt(tag);
		ledger.attempt(note);
		if (!updateRun(exp, runId, { tags: tag.tags })) throw new Error(`run ${runId} is not in the synced exp/${experimentId}`);
		setNotes(notes, readNotes(notes) + `n${i};`, ORIGIN);
		let tagSeen = false;
		let noteSeen = false;
		await waitFor(
			async () => {
				if (s.dead) return true;
				if (!tagSeen && (await fetchTags(server.url, runId))[`relay.t${i}`] === `r${i}`) {
					tagSeen = true;
					if (!s.dead) ledger.ack(name, tag);
				}
				if (!noteSeen && (await fetchNotes(server.url, runId)).includes(`n${i};`)) {
					noteSeen = true;
					if (!s.dead) ledger.ack(name, note);
				}
				return s.dead || (tagSeen && noteSeen);
			},
			{ what: `relay edit ${i} on the server`, timeoutMs: 30_000, pollMs: 5 }
		);
	}

	function startSession(): void {
		const opts = { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true, maxBackoffTime: 200 };
		const exp = new Y.Doc();
		const notes = new Y.Doc();
		const providers = [new WebsocketProvider(wsUrl, docNames.experiment(experimentId), exp, opts), new WebsocketProvider(wsUrl, docNames.run(runId), notes, opts)];
		const s: Session = {
			dead: false,
			loop: Promise.resolve(),
			close() {
				s.dead = true;
				for (const p of providers) p.destroy();
				exp.destroy();
				notes.destroy();
			}
		};
		s.loop = (async () => {
			await waitFor(() => s.dead || providers.every((p) => p.synced), { what: 'relay sync', events: providers.map((p) => [p, 'sync'] as [WebsocketProvider, string]), timeoutMs: 30_000 });
			while (!s.dead && !stopping) await edit(s, exp, notes);
		})().catch((e: Error) => void ledger.errors.push(`relay: ${e.message}`));
		session = s;
	}

	startSession();
	return {
		name,
		onServerUp() {
			if (!stopping) startSession();
		},
		onServerKilled() {
			session?.close();
		},
		async stop() {
			stopping = true;
			await session?.loop;
			session?.close();
		},
		close() {
			stopping = true;
			session?.close();
		}
	};
}
