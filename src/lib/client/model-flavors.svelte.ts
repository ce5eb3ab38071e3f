// The flavors of the logged models a list shows, read lazily from each model's MLmodel (a few requests at a time,
// remembered in localStorage by model-text.ts) and exposed as reactive state. A model still pending, or one whose
// MLmodel could not be fetched (offline), is asked again when it is next requested.
import { fetchModelFlavors, readStoredFlavors } from './model-text';

/** MLmodel requests in flight at once. */
const CONCURRENCY = 4;

export class ModelFlavors {
	#known = $state.raw(new Map<string, string[]>());
	#queue: string[] = [];
	#pending = new Set<string>();
	#running = 0;

	/** The model's flavors, or null while unknown. */
	get(modelId: string): string[] | null {
		return this.#known.get(modelId) ?? null;
	}

	/** Asks for the flavors of these (ready) models that are not known or asked for yet. */
	request(modelIds: readonly string[]): void {
		const stored = new Map<string, string[]>();
		for (const id of modelIds) {
			if (this.#known.has(id) || this.#pending.has(id)) continue;
			const kept = readStoredFlavors(id);
			if (kept) stored.set(id, kept);
			else {
				this.#pending.add(id);
				this.#queue.push(id);
			}
		}
		if (stored.size > 0) this.#known = new Map([...this.#known, ...stored]);
		this.#pump();
	}

	#pump(): void {
		while (this.#running < CONCURRENCY && this.#queue.length > 0) {
			const id = this.#queue.shift()!;
			this.#running++;
			fetchModelFlavors(id)
				.then((flavors) => (this.#known = new Map(this.#known).set(id, flavors)))
				.catch(() => {})
				.finally(() => {
					this.#pending.delete(id);
					this.#running--;
					this.#pump();
				});
		}
	}
}
