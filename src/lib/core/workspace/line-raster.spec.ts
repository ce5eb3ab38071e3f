import { describe, expect, it } from 'vitest';
import { clearLineRaster, createLineRaster, drawAlignedLine, readLineRaster, type LineRaster } from './line-raster';

const RED = { r: 255, g: 0, b: 0, a: 1 };
const id = { k: 1, b: 0, log: 0 };

/** The raster as rows of '#' (covered) and '.' (transparent). */
function readRows(r: LineRaster): string[] {
	const data = readRgba(r);
	const rows: string[] = [];
	for (let y = 0; y < r.height; y++) {
		let row = '';
		for (let x = 0; x < r.width; x++) row += data[(y * r.width + x) * 4 + 3] > 0 ? '#' : '.';
		rows.push(row);
	}
	return rows;
}

/** The raster as ImageData bytes (RGBA, row by row). */
function readRgba(r: LineRaster): Uint8ClampedArray {
	const out = new Uint8ClampedArray(r.width * r.height * 4);
	readLineRaster(r, out);
	return out;
}

describe('drawAlignedLine', () => {
	it('joins consecutive points column by column: in each column the rows the segment crosses there', () => {
		const r = createLineRaster(5, 4);
		drawAlignedLine(r, [0, 1, 4], [0, 3, 3], 0, 2, id, RED);
		expect(readRows(r)).toEqual(['#....', '#....', '##...', '.####']);
		expect([...readRgba(r).subarray(0, 4)]).toEqual([255, 0, 0, 255]);
	});

	it('runs on across undefined (no point at that x) and breaks at null or a non-finite y', () => {
		const r = createLineRaster(6, 1);
		drawAlignedLine(r, [0, 1, 2, 3, 4, 5], [0, undefined, 0, null, 0, 0], 0, 5, id, RED);
		expect(readRows(r)).toEqual(['###.##']);
		clearLineRaster(r);
		drawAlignedLine(r, [0, 1, 2, 3, 4, 5], [0, 0, NaN, 0, NaN, 0], 0, 5, id, RED);
		// A lone point between breaks is one pixel.
		expect(readRows(r)).toEqual(['##.#.#']);
	});

	it('maps values through toY and clips segments that leave the raster', () => {
		const r = createLineRaster(4, 3);
		drawAlignedLine(r, [-10, 1, 20], [10, 1, 1], 0, 2, { k: -1, b: 2, log: 0 }, RED);
		expect(readRows(r)).toEqual(['#...', '####', '....']);
		clearLineRaster(r);
		// Both ends outside: only the part inside is drawn.
		drawAlignedLine(r, [-5, 9], [2, 2], 0, 1, id, RED);
		expect(readRows(r)).toEqual(['....', '....', '####']);
		clearLineRaster(r);
		drawAlignedLine(r, [-5, -1], [0, 2], 0, 1, id, RED);
		expect(readRows(r)).toEqual(['....', '....', '....']);
	});

	it('blends a translucent line over what is there, covering each pixel once however often the line crosses it', () => {
		const r = createLineRaster(2, 3);
		const half = { r: 0, g: 0, b: 255, a: 0.5 };
		// Up and down the same column three times: one coverage.
		drawAlignedLine(r, [0, 0, 0, 0], [0, 2, 0, 2], 0, 3, id, half);
		let data = readRgba(r);
		expect(data[3]).toBe(128);
		expect(data[2]).toBe(255);
		expect(data[2 * 8 + 3]).toBe(128);
		// A second line over it blends once more.
		drawAlignedLine(r, [0, 1], [0, 0], 0, 1, id, { r: 255, g: 0, b: 0, a: 0.5 });
		data = readRgba(r);
		expect(Math.abs(data[3] - 191)).toBeLessThanOrEqual(1);
		expect(data[0]).toBeGreaterThan(150);
		expect(data[2]).toBeGreaterThan(70);
		// An opaque line replaces.
		drawAlignedLine(r, [0, 1], [0, 0], 0, 1, id, RED);
		expect([...readRgba(r).subarray(0, 4)]).toEqual([255, 0, 0, 255]);
	});

	it('places values on a log scale, breaking at values it cannot place', () => {
		const r = createLineRaster(4, 3);
		// y = -log10(v) + 2: 1 → row 2, 10 → row 1, 100 → row 0.
		drawAlignedLine(r, [0, 1, 2, 3], [1, 10, 0, 100], 0, 3, { k: -1, b: 2, log: 1 / Math.LN10 }, RED);
		expect(readRows(r)).toEqual(['...#', '.#..', '##..']);
	});

	it('draws only the index range asked for', () => {
		const r = createLineRaster(5, 1);
		drawAlignedLine(r, [0, 1, 2, 3, 4], [0, 0, 0, 0, 0], 1, 3, id, RED);
		expect(readRows(r)).toEqual(['.###.']);
	});
});
