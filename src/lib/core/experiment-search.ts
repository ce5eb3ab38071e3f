// The experiments list's search and what it shows of each experiment: its description (MLflow's
// `mlflow.note.content` tag on the experiment) and its user tags. A query's words (or "quoted phrases") must each
// appear, case-insensitively, in the name, the description or a tag (`key=value`); one lowercased text per
// experiment, kept while the experiment object lives, so 1,000 experiments search in well under a millisecond.
import type { Experiment } from './docs/workspace';
import { NOTE_TAG } from './docs/notes';

/** An experiment's description, or null when it has none (or an empty one). */
export function readExperimentDescription(e: Experiment): string | null {
	return e.tags[NOTE_TAG] || null;
}

/** Tags users set (not MLflow's `mlflow.*`), sorted by key. */
export function readUserTags(e: Experiment): [string, string][] {
	return Object.entries(e.tags)
		.filter(([k]) => !k.startsWith('mlflow.'))
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The words and "quoted phrases" of a query, lowercased; empty for a blank one. */
export function parseExperimentQuery(query: string): string[] {
	const terms: string[] = [];
	for (const m of query.toLowerCase().matchAll(/"([^"]*)"?|(\S+)/g)) {
		const term = (m[1] ?? m[2]).trim();
		if (term !== '') terms.push(term);
	}
	return terms;
}

const texts = new WeakMap<Experiment, string>();

function searchTextOf(e: Experiment): string {
	let text = texts.get(e);
	if (text === undefined) {
		const tags = Object.entries(e.tags).map(([k, v]) => (k === NOTE_TAG ? v : `${k}=${v}`));
		text = [e.name, ...tags].join('\n').toLowerCase();
		texts.set(e, text);
	}
	return text;
}

/** The experiments every term of `query` appears in (all of them for a blank query), in their order. */
export function searchExperiments(experiments: readonly Experiment[], query: string): Experiment[] {
	const terms = parseExperimentQuery(query);
	if (terms.length === 0) return [...experiments];
	return experiments.filter((e) => {
		const text = searchTextOf(e);
		return terms.every((t) => text.includes(t));
	});
}
