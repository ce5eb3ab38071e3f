// Clients of a Tandem cluster for the multi-instance tests: the vitest hooks that start a file's services and a
// describe's cluster; real y-websocket providers on any instance's (or the balancer's) URL, all destroyed by
// cleanup(); the native API calls the tests make (create a run, log points with a batch id, read a metric back); and
// waits on a series document or an awareness state arriving.
import { afterAll, afterEach, beforeAll } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { readSeries } from '../../src/lib/core/docs/series';
import { readNotes, readNotesText } from '../../src/lib/core/docs/run';
import { startCluster, startClusterServices, type Cluster, type ClusterOptions, type ClusterServices } from './cluster';
import { callJson } from './http';
import { waitFor } from './wait';

export interface ClusterRun {
	runId: string;
	experimentId: string;
}

/** Starts PostgreSQL, Redis and S3 before the calling file's (or describe's) tests and stops them after. */
export function useClusterServices(): () => ClusterServices {
	let services: ClusterServices | undefined;
	beforeAll(async () => {
		services = await startClusterServices();
	}, 120_000);
	afterAll(async () => {
		await services?.stop();
	});
	return () => {
		if (!services) throw new Error('the cluster services are not started yet: use them inside a test or hook');
		return services;
	};
}

/** Starts a cluster on `services()` before the calling describe's tests and stops it after. */
export function useCluster(services: () => ClusterServices, opts: Omit<ClusterOptions, 'services'> = {}): () => Cluster {
	let cluster: Cluster | undefined;
	beforeAll(async () => {
		cluster = await startCluster({ ...opts, services: services() });
	}, 120_000);
	afterAll(async () => {
		await cluster?.stop();
	});
	return () => {
		if (!cluster) throw new Error('the cluster is not started yet: use it inside a test or hook');
		return cluster;
	};
}

/** Inserts `text` at the end of the notes of `doc` (a `run/<id>` document). */
export const appendNote = (doc: Y.Doc, text: string) => readNotesText(doc).insert(readNotesText(doc).length, text);
export const notesHave = (doc: Y.Doc, parts: string[]) => parts.every((p) => readNotes(doc).includes(p));

/** Providers opened on `http://…` base URLs; `cleanup()` destroys them (call it in afterEach). */
export function createClusterClients() {
	const providers = new Set<WebsocketProvider>();
	return {
		connect(baseUrl: string, name: string, doc = new Y.Doc()): WebsocketProvider {
			const p = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/sync`, name, doc, {
				WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
				disableBc: true, // one process: BroadcastChannel would sync the providers behind the relays' backs
				maxBackoffTime: 200
			});
			providers.add(p);
			return p;
		},
		/** One provider on `name` through each of `baseUrls`, each with its own doc; resolves once all are synced. */
		async openSynced(baseUrls: string[], name: string): Promise<{ docs: Y.Doc[]; providers: WebsocketProvider[] }> {
			const docs = baseUrls.map(() => new Y.Doc());
			const ps = baseUrls.map((url, i) => this.connect(url, name, docs[i]));
			await Promise.all(ps.map((p) => synced(p)));
			return { docs, providers: ps };
		},
		destroy(p: WebsocketProvider): void {
			providers.delete(p);
			p.destroy();
		},
		cleanup(): void {
			for (const p of providers) p.destroy();
			providers.clear();
		}
	};
}

/** createClusterClients, cleaned up after each of the calling file's tests. */
export function useClusterClients(): ReturnType<typeof createClusterClients> {
	const clients = createClusterClients();
	afterEach(() => clients.cleanup());
	return clients;
}

export const synced = (p: WebsocketProvider, what = 'provider sync', timeoutMs = 15_000) =>
	waitFor(() => p.synced && p.wsconnected, { what, events: [[p, 'sync']], timeoutMs });

/** POSTs JSON and returns the parsed answer; throws on any status but 200. */
export async function postOk<T = Record<string, unknown>>(baseUrl: string, path: string, body: unknown): Promise<T> {
	const { status, body: json } = await callJson(baseUrl, 'POST', path, { body });
	if (status !== 200) throw new Error(`POST ${baseUrl}${path} → ${status} ${JSON.stringify(json)}`);
	return json as T;
}

export async function getOk<T = Record<string, unknown>>(baseUrl: string, path: string): Promise<T> {
	const { status, body } = await callJson(baseUrl, 'GET', path);
	if (status !== 200) throw new Error(`GET ${baseUrl}${path} → ${status} ${JSON.stringify(body)}`);
	return body as T;
}

/** Creates a run through the native API of `baseUrl`. */
export async function createRun(baseUrl: string, experiment: string, runName: string): Promise<ClusterRun> {
	const out = await postOk<{ run_id: string; experiment_id: string }>(baseUrl, '/api/runs', { experiment_name: experiment, run_name: runName });
	return { runId: out.run_id, experimentId: out.experiment_id };
}

/** The native log body of points `steps` of metric `key` (value = step / 4, exact in binary), with a batch id. */
export function logBody(key: string, steps: number[], batchId?: string): Record<string, unknown> {
	return { batch_id: batchId, metrics: steps.map((s) => ({ key, step: s, value: s / 4, timestamp: 1_700_000_000_000 + s })) };
}

export const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** A metric's history through the native API: its steps and values in the order stored. */
export function readMetric(baseUrl: string, runId: string, key: string): Promise<{ steps: number[]; values: number[] }> {
	return getOk(baseUrl, `/api/runs/${runId}/metrics/${encodeURIComponent(key)}`);
}

/** Resolves once the series document `doc` holds every step of `steps` (in any chunk). */
export async function waitForSteps(doc: Y.Doc, steps: number[], what: string, timeoutMs = 15_000): Promise<true> {
	const missing = () => {
		const have = new Set(readSeries(doc).steps);
		return steps.filter((s) => !have.has(s));
	};
	return waitFor(() => missing().length === 0, { what, events: [[doc, 'update']], timeoutMs }).catch((e: Error) => {
		const m = missing();
		throw new Error(`${e.message}; ${m.length} steps missing: ${m.slice(0, 5).join(', ')}${m.length > 5 ? ` … ${m.at(-1)}` : ''}`);
	});
}

/** The `user.name` fields of every awareness state `p` holds from other clients. */
export function peerNames(p: WebsocketProvider): string[] {
	const out: string[] = [];
	for (const [id, state] of p.awareness.getStates()) {
		if (id === p.awareness.clientID) continue;
		const name = (state as { user?: { name?: unknown } }).user?.name;
		if (typeof name === 'string') out.push(name);
	}
	return out.sort();
}
