// In-memory DocStore: same contract as the SQLite store, nothing survives the process. Used by tests and benches.
import { readSnapshot, type DocStore, type StoredDoc } from './doc-store';

export function createMemoryStore(): DocStore {
	const docs = new Map<string, { snapshot: Uint8Array | null; updates: Uint8Array[] }>();
	let closed = false;

	const entry = (name: string) => {
		let e = docs.get(name);
		if (!e) docs.set(name, (e = { snapshot: null, updates: [] }));
		return e;
	};
	const assertOpen = () => {
		if (closed) throw new Error('store is closed');
	};

	return {
		async load(name): Promise<StoredDoc> {
			assertOpen();
			const e = docs.get(name);
			if (!e) return { snapshot: null, updates: [], bytes: 0 };
			const bytes = (e.snapshot?.byteLength ?? 0) + e.updates.reduce((n, u) => n + u.byteLength, 0);
			return { snapshot: e.snapshot, updates: [...e.updates], bytes };
		},
		append(name, update) {
			assertOpen();
			entry(name).updates.push(update.slice());
		},
		async flush() {
			assertOpen();
		},
		async compact(name, snapshot) {
			assertOpen();
			const e = entry(name);
			e.snapshot = readSnapshot(snapshot).slice();
			e.updates = [];
		},
		async list() {
			assertOpen();
			return [...docs.keys()];
		},
		async close() {
			closed = true;
		}
	};
}
