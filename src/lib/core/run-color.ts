// One colour per run, the same in every view (table dot, run page, compare page, chart workspace): a colour the
// user picked (kept in the run's header in exp/<id>, so every peer sees it), else one derived from the run id.
// Pure.

/** Tableau 20's strong half and its light half interleaved, yellows deepened for white backgrounds: apart from each
 * other and readable on both themes. */
export const RUN_PALETTE = [
	'#4e79a7',
	'#f28e2b',
	'#e15759',
	'#59a14f',
	'#b07aa1',
	'#76b7b2',
	'#d4a418',
	'#ff9da7',
	'#9c755f',
	'#8f8f8f',
	'#2f5f8a',
	'#c76a12',
	'#a83a3c',
	'#3d7a35',
	'#86588a',
	'#4f9893',
	'#a8850f',
	'#d46f7d',
	'#735341',
	'#5f6b7a'
] as const;

const COLOR = /^#[0-9a-f]{6}$/;

/** A colour a run may be given: `#rrggbb`, lowercase (what `<input type=color>` gives). */
export function isRunColor(v: unknown): v is string {
	return typeof v === 'string' && COLOR.test(v);
}

/** FNV-1a of a string: run ids are random hex, but any id must spread over the palette. */
function hash(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
	return h >>> 0;
}

/** The colour a run has until someone picks one: fixed by its id, so it is the same in every view and browser. */
export function defaultRunColor(runId: string): string {
	return RUN_PALETTE[hash(runId) % RUN_PALETTE.length];
}

/** A run's colour: the one picked for it (`color`, when valid), else its default. */
export function runColorOf(run: { run_id: string; color?: string | null }): string {
	return isRunColor(run.color) ? run.color : defaultRunColor(run.run_id);
}
