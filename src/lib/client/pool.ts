// A ref-counted pool of named resources with an LRU of idle ones: a released resource stays open for a while
// (so flipping between pages reuses it), and idle resources beyond the capacity close, least recently used first.

export interface PoolOptions<T> {
	open(name: string): T;
	close(name: string, value: T): void;
	/** Most resources kept open. Only idle ones are ever evicted, so more than this may be in use at once. */
	capacity: number;
	/** ms an idle (unreferenced) resource stays open before it closes. */
	idleMs: number;
}

export interface Lease<T> {
	readonly value: T;
	/** Gives the lease back; calling it again does nothing. */
	release(): void;
}

export interface Pool<T> {
	acquire(name: string): Lease<T>;
	/** Open resources (in use or idle), least recently used first. */
	names(): string[];
	/** References currently held on `name` (0 when idle or closed). */
	refCount(name: string): number;
	/** Closes every resource, in use or not (page teardown, tests). */
	closeAll(): void;
}

interface Entry<T> {
	value: T;
	refs: number;
	idleTimer: ReturnType<typeof setTimeout> | null;
}

export function createPool<T>(opts: PoolOptions<T>): Pool<T> {
	// Map iteration order is insertion order: re-inserting on use keeps it least-recently-used first.
	const entries = new Map<string, Entry<T>>();

	function closeEntry(name: string, entry: Entry<T>): void {
		if (entry.idleTimer !== null) clearTimeout(entry.idleTimer);
		entries.delete(name);
		opts.close(name, entry.value);
	}

	function evictBeyondCapacity(): void {
		for (const [name, entry] of entries) {
			if (entries.size <= opts.capacity) return;
			if (entry.refs === 0) closeEntry(name, entry);
		}
	}

	function acquire(name: string): Lease<T> {
		let entry = entries.get(name);
		if (entry) {
			entries.delete(name);
			if (entry.idleTimer !== null) clearTimeout(entry.idleTimer);
			entry.idleTimer = null;
		} else {
			entry = { value: opts.open(name), refs: 0, idleTimer: null };
		}
		entries.set(name, entry);
		entry.refs++;
		evictBeyondCapacity();
		const held = entry;
		let released = false;
		return {
			value: held.value,
			release() {
				if (released) return;
				released = true;
				held.refs--;
				if (held.refs > 0 || entries.get(name) !== held) return;
				held.idleTimer = setTimeout(() => {
					if (held.refs === 0 && entries.get(name) === held) closeEntry(name, held);
				}, opts.idleMs);
				evictBeyondCapacity();
			}
		};
	}

	return {
		acquire,
		names: () => [...entries.keys()],
		refCount: (name) => entries.get(name)?.refs ?? 0,
		closeAll() {
			for (const [name, entry] of [...entries]) closeEntry(name, entry);
		}
	};
}
