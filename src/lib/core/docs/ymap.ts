// Small typed accessors over Y.Map used by the document modules (the only place that reads untyped Yjs values).
import * as Y from 'yjs';

export type YRecord = Y.Map<unknown>;

export function readString(m: YRecord, key: string, fallback = ''): string {
	const v = m.get(key);
	return typeof v === 'string' ? v : fallback;
}

export function readNumber(m: YRecord, key: string, fallback = 0): number {
	const v = m.get(key);
	return typeof v === 'number' ? v : fallback;
}

export function readNumberOrNull(m: YRecord, key: string): number | null {
	const v = m.get(key);
	return typeof v === 'number' ? v : null;
}

/**
 * A string record stored either as a nested Y.Map<string> or as one plain object value (params, DESIGN §2), as a
 * plain record; non-string values are skipped (peers may write anything).
 */
export function readStringRecord(v: unknown): Record<string, string> {
	const rec = v instanceof Y.Map ? (v.toJSON() as Record<string, unknown>) : v !== null && typeof v === 'object' && !(v instanceof Uint8Array) ? (v as Record<string, unknown>) : null;
	if (rec === null) return {};
	for (const k in rec) {
		// Rare: copy only when something must be dropped.
		if (typeof rec[k] !== 'string') return Object.fromEntries(Object.entries(rec).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
	}
	return v instanceof Y.Map ? (rec as Record<string, string>) : { ...(rec as Record<string, string>) };
}

/** The string record at `key` (a nested Y.Map<string> or a plain object), see readStringRecord. */
export function readStringMap(m: YRecord, key: string): Record<string, string> {
	return readStringRecord(m.get(key));
}

/** Returns the nested Y.Map at `key`, creating it if absent. Call inside a transaction. */
export function ensureMap<T>(m: YRecord, key: string): Y.Map<T> {
	const inner = m.get(key);
	if (inner instanceof Y.Map) return inner as Y.Map<T>;
	const created = new Y.Map<T>();
	m.set(key, created);
	return created;
}

/** Builds a Y.Map from a plain record (for a freshly created entry). */
export function createMap(fields: Record<string, unknown>): YRecord {
	const m = new Y.Map<unknown>();
	for (const [k, v] of Object.entries(fields)) if (v !== undefined) m.set(k, v);
	return m;
}

/** Sets `key` only if the value differs, so repeated writes leave no tombstones. */
export function setIfChanged(m: YRecord, key: string, value: unknown): void {
	if (m.get(key) !== value) m.set(key, value);
}
