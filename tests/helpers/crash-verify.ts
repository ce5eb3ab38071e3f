// The crash test's final check of a server against its ledger: every acknowledged write present exactly once with
// its value, an unacknowledged one at most once, nothing in the writers' namespaces that nobody wrote, run summaries
// agreeing with the histories, one run per SDK client key; and every stored document loading over HTTP and the relay.
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { CLIENT_KEY_TAG } from '../../src/lib/client-sdk';
import type { RunJson } from '../../src/lib/core/api/native';
import { fetchNotes } from './crash-relay-writer';
import { waitFor } from './wait';
import type { Expected, Ledger } from './crash-harness';

export interface CrashReport {
	/** Acknowledged writes: metric points, params, tags and notes markers (and each kind alone). */
	acked: number;
	ackedByKind: Record<Kind, number>;
	/** Writes sent but never acknowledged, found on the server / not found. */
	unackedPresent: number;
	unackedAbsent: number;
	/** Each list names the writes concerned (run label and key). */
	lost: string[];
	duplicated: string[];
	wrongValue: string[];
	unexpected: string[];
	inconsistent: string[];
}

async function getJson<T>(url: string): Promise<T> {
	const res = await fetch(url);
	if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

type Kind = 'points' | 'params' | 'tags' | 'notes';

/** Counts: how often each expected key occurs on the server (with the value found), and keys nobody wrote. */
function compare<V>(report: CrashReport, kind: Kind, where: string, expected: Map<string | number, Expected<V>>, found: Map<string | number, V[]>): void {
	for (const [key, e] of expected) {
		const values = found.get(key) ?? [];
		const id = `${where} ${key}`;
		if (values.length === 0) e.acked ? report.lost.push(id) : report.unackedAbsent++;
		else if (values.length > 1) report.duplicated.push(`${id} ×${values.length}`);
		else if (values[0] !== e.value) report.wrongValue.push(`${id}: ${String(values[0])} ≠ ${String(e.value)}`);
		else if (!e.acked) report.unackedPresent++;
		if (e.acked) {
			report.acked++;
			report.ackedByKind[kind]++;
		}
	}
	for (const key of found.keys()) if (!expected.has(key)) report.unexpected.push(`${where} ${key}`);
}

/** Keys of a params or tags object that belong to a writer (its prefix before the first '.'), as one-value lists. */
function owned(values: Record<string, string>, prefixes: Set<string>): Map<string, string[]> {
	return new Map(Object.entries(values).filter(([k]) => prefixes.has(k.split('.')[0])).map(([k, v]) => [k, [v]]));
}

export async function verifyLedger(baseUrl: string, ledger: Ledger): Promise<CrashReport> {
	const report: CrashReport = { acked: 0, ackedByKind: { points: 0, params: 0, tags: 0, notes: 0 }, unackedPresent: 0, unackedAbsent: 0, lost: [], duplicated: [], wrongValue: [], unexpected: [], inconsistent: [] };
	const experiments = new Set<string>();
	for (const r of ledger.runs) {
		const runId = r.runId();
		if (!runId) {
			report.inconsistent.push(`${r.label}: the SDK never learned its run id`);
			continue;
		}
		const { run } = await getJson<{ run: RunJson }>(`${baseUrl}/api/runs/${runId}`);
		experiments.add(run.experiment_id);
		for (const [key, steps] of r.metrics) {
			const h = await getJson<{ steps: number[]; values: number[] }>(`${baseUrl}/api/runs/${runId}/metrics/${key}`);
			const found = new Map<number, number[]>();
			h.steps.forEach((s, i) => found.set(s, [...(found.get(s) ?? []), h.values[i]]));
			compare(report, 'points', `${r.label} metric ${key} step`, steps, found);
			if (run.metrics[key]?.count !== h.steps.length) report.inconsistent.push(`${r.label} ${key}: summary count ${run.metrics[key]?.count}, history ${h.steps.length}`);
		}
		const prefixes = new Set([...r.params.keys(), ...r.tags.keys()].map((k) => k.split('.')[0]));
		compare(report, 'params', `${r.label} param`, r.params, owned(run.params, prefixes));
		compare(report, 'tags', `${r.label} tag`, r.tags, owned(run.tags, prefixes));
		if (r.notes.size > 0) {
			const notes = await fetchNotes(baseUrl, runId);
			if (!/^(n\d+;)*$/.test(notes)) report.inconsistent.push(`${r.label} notes are not a sequence of markers: ${JSON.stringify(notes.slice(0, 200))}`);
			const found = new Map<string, true[]>();
			for (const m of notes.match(/n\d+;/g) ?? []) found.set(m, [...(found.get(m) ?? []), true]);
			compare(report, 'notes', `${r.label} notes marker`, r.notes, found);
		}
	}
	for (const id of experiments) {
		const { runs } = await getJson<{ runs: RunJson[] }>(`${baseUrl}/api/experiments/${id}/runs`);
		const byKey = new Map<string, number>();
		for (const run of runs) if (run.tags[CLIENT_KEY_TAG]) byKey.set(run.tags[CLIENT_KEY_TAG], (byKey.get(run.tags[CLIENT_KEY_TAG]) ?? 0) + 1);
		for (const [key, n] of byKey) if (n > 1) report.duplicated.push(`SDK run created ${n} times (client key ${key})`);
	}
	return report;
}

/** Every document name in the data dir's store (read-only; the server may be running: WAL readers do not block it). */
export function readStoredDocNames(dataDir: string): string[] {
	const db = new Database(path.join(dataDir, 'tandem.db'), { readonly: true });
	try {
		return (db.prepare('SELECT name FROM snapshots UNION SELECT DISTINCT name FROM updates').all() as { name: string }[]).map((r) => r.name);
	} finally {
		db.close();
	}
}

/** Loads each document over GET /api/docs and over the relay; returns the names that failed, with why. */
export async function checkDocumentsLoad(baseUrl: string, names: string[]): Promise<string[]> {
	const failures: string[] = [];
	const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/sync`;
	for (const name of names) {
		try {
			const res = await fetch(`${baseUrl}/api/docs/${name}`);
			if (res.status !== 200) throw new Error(`GET /api/docs: ${res.status} ${await res.text()}`);
			Y.applyUpdate(new Y.Doc(), new Uint8Array(await res.arrayBuffer()));
			const doc = new Y.Doc();
			const p = new WebsocketProvider(wsUrl, name, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
			try {
				await waitFor(() => p.synced, { what: `relay sync of ${name}`, events: [[p, 'sync']], timeoutMs: 10_000 });
			} finally {
				p.destroy();
				doc.destroy();
			}
		} catch (e) {
			failures.push(`${name}: ${(e as Error).message}`);
		}
	}
	return failures;
}
