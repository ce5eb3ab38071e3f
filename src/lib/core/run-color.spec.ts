import { describe, expect, it } from 'vitest';
import { RUN_PALETTE, defaultRunColor, isRunColor, runColorOf } from './run-color';
import { createRunId } from './ids';

describe('run colours', () => {
	it('derives the same palette colour from the same id, and spreads ids over the palette', () => {
		const ids = Array.from({ length: 400 }, () => createRunId());
		for (const id of ids.slice(0, 20)) expect(defaultRunColor(id)).toBe(defaultRunColor(`${id}`));
		const used = new Set(ids.map(defaultRunColor));
		expect(used.size).toBe(RUN_PALETTE.length);
	});

	it('uses a picked colour only when it is #rrggbb', () => {
		const id = 'a'.repeat(32);
		expect(runColorOf({ run_id: id, color: '#123abc' })).toBe('#123abc');
		for (const bad of ['red', '#12345', '#GGGGGG', 'url(x)', null, undefined, '#123ABC']) {
			expect(runColorOf({ run_id: id, color: bad as string | null })).toBe(defaultRunColor(id));
		}
		expect(isRunColor('#000000')).toBe(true);
		expect(isRunColor(7)).toBe(false);
	});
});
