// Draws many one-pixel lines straight into a pixel buffer: the lines of a chart of a hundred runs, whose points are
// already min/max/last per pixel bucket, cost a few ms here where a canvas stroke per line costs tens without a GPU
// (path building, then software rasterising). Pixels are kept column by column while drawing (a line's pixels
// are then next to each other in memory) and written out row by row (ImageData's layout). Pure: no canvas, no DOM.

export interface LineRaster {
	/** Device pixels. */
	width: number;
	height: number;
	/** Per pixel, column-major (x × height + y): its colour as 0xAABBGGRR (alpha, blue, green, red), 0 = transparent. */
	pixels: Uint32Array;
	/** Per pixel, column-major: the mark of the last line that covered it (a line covers a pixel once, however often
	 * it crosses it, so a translucent line does not darken where it doubles back). */
	stamp: Uint16Array;
	/** The mark of the line being drawn (drawAlignedLine bumps it). */
	mark: number;
}

/** A colour as drawn: channels 0..255 and an opacity 0..1. */
export interface RasterColor {
	r: number;
	g: number;
	b: number;
	a: number;
}

/** Where a value sits on the raster's y (device px): k × v + b, or on a log scale k × log(v) / log(base) + b. */
export interface RasterYMap {
	k: number;
	b: number;
	/** 1 / ln(base) for a log scale; 0 for a linear one. */
	log: number;
}

/** A transparent raster of `width` × `height` device pixels (both at least 1). */
export function createLineRaster(width: number, height: number): LineRaster {
	const w = Math.max(1, Math.floor(width));
	const h = Math.max(1, Math.floor(height));
	return { width: w, height: h, pixels: new Uint32Array(w * h), stamp: new Uint16Array(w * h), mark: 0 };
}

/** Makes every pixel transparent again. */
export function clearLineRaster(r: LineRaster): void {
	r.pixels.fill(0);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Writes the raster into `out` (RGBA bytes, not premultiplied, row by row: ImageData.data of the same size). */
export function readLineRaster(r: LineRaster, out: Uint8ClampedArray): void {
	const { width: w, height: h, pixels } = r;
	if (LITTLE_ENDIAN && out.byteOffset % 4 === 0) {
		// A pixel value is its four bytes in this order: one 32-bit write each.
		const words = new Uint32Array(out.buffer, out.byteOffset, w * h);
		for (let x = 0; x < w; x++) for (let y = 0, p = x * h, o = x; y < h; y++, p++, o += w) words[o] = pixels[p];
		return;
	}
	for (let x = 0; x < w; x++) {
		for (let y = 0, p = x * h, o = x * 4; y < h; y++, p++, o += w * 4) {
			const v = pixels[p];
			out[o] = v & 255;
			out[o + 1] = (v >>> 8) & 255;
			out[o + 2] = (v >>> 16) & 255;
			out[o + 3] = v >>> 24;
		}
	}
}

/** An opaque colour as its pixel value. */
function readOpaque(c: RasterColor): number {
	return ((255 << 24) | ((Math.round(c.b) & 255) << 16) | ((Math.round(c.g) & 255) << 8) | (Math.round(c.r) & 255)) >>> 0;
}

/** `c` (translucent) over the pixel value `under` (source-over, not premultiplied). */
function blend(under: number, c: RasterColor): number {
	const ua = (under >>> 24) / 255;
	const out = c.a + ua * (1 - c.a);
	if (out <= 0) return under;
	const keep = (ua * (1 - c.a)) / out;
	const take = c.a / out;
	const r = Math.round(c.r * take + (under & 255) * keep);
	const g = Math.round(c.g * take + ((under >>> 8) & 255) * keep);
	const b = Math.round(c.b * take + ((under >>> 16) & 255) * keep);
	return ((Math.round(out * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Covers rows `top`..`bottom` (inclusive, within the raster) of column `x` with `c` (`opaque` is its pixel value,
 * or -1 when it is translucent), each pixel once per line mark. */
function drawSpan(r: LineRaster, x: number, top: number, bottom: number, c: RasterColor, opaque: number): void {
	const { pixels, stamp, mark } = r;
	const end = x * r.height + bottom;
	for (let p = x * r.height + top; p <= end; p++) {
		if (stamp[p] === mark) continue;
		stamp[p] = mark;
		pixels[p] = opaque >= 0 ? opaque : blend(pixels[p], c);
	}
}

/**
 * Covers the pixels from (ax, ay) to (bx, by), both pixels of the raster, column by column: in each column the rows
 * the segment passes through there.
 */
function drawPixels(r: LineRaster, ax: number, ay: number, bx: number, by: number, c: RasterColor, opaque: number): void {
	if (ax === bx) return drawSpan(r, ax, Math.min(ay, by), Math.max(ay, by), c, opaque);
	const sx = ax < bx ? 1 : -1;
	const slope = (by - ay) / (bx - ax);
	for (let x = ax; ; x += sx) {
		// Rows at this column's two edges, within the segment's ends.
		const y0 = x === ax ? ay : ay + slope * (x - ax - 0.5 * sx);
		const y1 = x === bx ? by : ay + slope * (x - ax + 0.5 * sx);
		drawSpan(r, x, Math.round(Math.min(y0, y1)), Math.round(Math.max(y0, y1)), c, opaque);
		if (x === bx) return;
	}
}

/** Draws the segment (x0, y0)–(x1, y1) (device px, any finite values), clipped to the raster. */
function drawSegment(r: LineRaster, x0: number, y0: number, x1: number, y1: number, c: RasterColor, opaque: number): void {
	const maxX = r.width - 0.5;
	const maxY = r.height - 0.5;
	if (x0 >= -0.5 && x1 >= -0.5 && y0 >= -0.5 && y1 >= -0.5 && x0 < maxX && x1 < maxX && y0 < maxY && y1 < maxY) {
		return drawPixels(r, Math.round(x0), Math.round(y0), Math.round(x1), Math.round(y1), c, opaque);
	}
	// Liang–Barsky clip to just inside [-0.5, width - 0.5) × [-0.5, height - 0.5): the rounded ends are then pixels.
	const dx = x1 - x0;
	const dy = y1 - y0;
	let t0 = 0;
	let t1 = 1;
	for (let edge = 0; edge < 4; edge++) {
		const p = edge === 0 ? -dx : edge === 1 ? dx : edge === 2 ? -dy : dy;
		const q = edge === 0 ? x0 + 0.4999 : edge === 1 ? maxX - 0.0001 - x0 : edge === 2 ? y0 + 0.4999 : maxY - 0.0001 - y0;
		if (p === 0) {
			if (q < 0) return;
			continue;
		}
		const t = q / p;
		if (p < 0) {
			if (t > t1) return;
			if (t > t0) t0 = t;
		} else {
			if (t < t0) return;
			if (t < t1) t1 = t;
		}
	}
	drawPixels(r, Math.round(x0 + t0 * dx), Math.round(y0 + t0 * dy), Math.round(x0 + t1 * dx), Math.round(y0 + t1 * dy), c, opaque);
}

/**
 * Draws one line of aligned data (uPlot's layout) from index `from` to `to` inclusive: its point at index i is
 * (xs[i], y(ys[i])) in device px. An undefined y is no point there (the line runs on across it); a null or non-finite
 * y (a non-positive one on a log scale) breaks the line. A lone point between breaks is drawn as one pixel.
 */
export function drawAlignedLine(
	r: LineRaster,
	xs: ArrayLike<number>,
	ys: ArrayLike<number | null | undefined>,
	from: number,
	to: number,
	y: RasterYMap,
	c: RasterColor
): void {
	const { k, b, log } = y;
	if (r.mark >= 0xffff) {
		r.stamp.fill(0);
		r.mark = 0;
	}
	r.mark++;
	const opaque = c.a >= 1 ? readOpaque(c) : -1;
	let px = NaN;
	let py = NaN;
	let joined = false;
	for (let i = Math.max(0, from); i <= to && i < ys.length; i++) {
		const v = ys[i];
		if (v === undefined) continue;
		const py1 = v === null ? NaN : log === 0 ? k * v + b : k * Math.log(v) * log + b;
		const x = xs[i];
		if (!Number.isFinite(py1) || !Number.isFinite(x)) {
			if (px === px && !joined) drawSegment(r, px, py, px, py, c, opaque);
			px = py = NaN;
			continue;
		}
		if (px === px) {
			drawSegment(r, px, py, x, py1, c, opaque);
			joined = true;
		} else joined = false;
		px = x;
		py = py1;
	}
	if (px === px && !joined) drawSegment(r, px, py, px, py, c, opaque);
}
