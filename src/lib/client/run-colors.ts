// One color per compared run, shared by every view of the compare page (swatches, table, scatter, parallel
// coordinates, charts): picked by the run's place in the URL's list, so a link always shows the same colors.

/** Tableau 10 (yellow deepened for white backgrounds): apart from each other and readable on both themes. */
export const RUN_PALETTE = [
	'#4e79a7',
	'#f28e2b',
	'#59a14f',
	'#e15759',
	'#b07aa1',
	'#76b7b2',
	'#d4a418',
	'#ff9da7',
	'#9c755f',
	'#8f8f8f'
] as const;

/** The color of the run at `index` (0-based) in the compared list: the palette, then golden-angle hues past it. */
export function readRunColor(index: number): string {
	if (index < RUN_PALETTE.length) return RUN_PALETTE[index];
	const hue = Math.round((index * 137.508) % 360);
	return `hsl(${hue} 62% 52%)`;
}

/** Run id → color for `runIds` in order (ids repeated later keep their first color). */
export function createRunColors(runIds: readonly string[]): Map<string, string> {
	const out = new Map<string, string>();
	runIds.forEach((id, i) => {
		if (!out.has(id)) out.set(id, readRunColor(i));
	});
	return out;
}
