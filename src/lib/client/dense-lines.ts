// A uPlot plugin for charts of many lines (the chart workspace's panels of a hundred runs): uPlot draws the axes and
// grid and keeps the cursor, zoom and data, while the lines (their series get `noPaths`) are drawn one device pixel
// wide into a pixel buffer (core/workspace/line-raster.ts) and put on a canvas over the plot area in one call. A canvas
// stroke per line costs tens of ms a panel without a GPU; this costs a few.
import type uPlot from 'uplot';
import { clearLineRaster, createLineRaster, drawAlignedLine, readLineRaster, type LineRaster, type RasterColor, type RasterYMap } from '$lib/core/workspace/line-raster';

/** The paths of a series the plugin draws: none (uPlot skips its line, and still hovers its points). */
export const noPaths: uPlot.Series.PathBuilder = () => null;

const FALLBACK: RasterColor = { r: 128, g: 128, b: 128, a: 1 };

/** `css` (any CSS colour) as channels, read through a canvas context (which normalises it to #rrggbb or rgba()). */
function parseColor(ctx: CanvasRenderingContext2D, css: string): RasterColor {
	ctx.fillStyle = '#000000';
	ctx.fillStyle = css;
	const v = String(ctx.fillStyle);
	const hex = /^#([0-9a-f]{6})$/i.exec(v);
	if (hex) {
		const n = parseInt(hex[1], 16);
		return { r: n >> 16, g: (n >> 8) & 255, b: n & 255, a: 1 };
	}
	const rgba = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(v);
	if (rgba) return { r: +rgba[1], g: +rgba[2], b: +rgba[3], a: rgba[4] === undefined ? 1 : +rgba[4] };
	return FALLBACK;
}

/** What a series' stroke is once uPlot has set it up (a function of the plot), or as given. */
function readStroke(u: uPlot, s: uPlot.Series, i: number): string {
	const stroke = s.stroke as unknown;
	const v = typeof stroke === 'function' ? (stroke as (u: uPlot, i: number) => unknown)(u, i) : stroke;
	return typeof v === 'string' ? v : '';
}

/** Pixel buffers by size (`w×h`), shared by the charts of a page (a draw uses them, then puts them on its canvas). */
const scratch = new Map<string, { raster: LineRaster; image: ImageData }>();
/** Sizes kept (a workspace has a few panel sizes; a resize makes new ones). */
const SCRATCH_SIZES = 4;

function readScratch(w: number, h: number): { raster: LineRaster; image: ImageData } {
	const key = `${w}x${h}`;
	let hit = scratch.get(key);
	if (hit) scratch.delete(key);
	else {
		hit = { raster: createLineRaster(w, h), image: new ImageData(w, h) };
		for (const old of scratch.keys()) if (scratch.size >= SCRATCH_SIZES) scratch.delete(old);
	}
	scratch.set(key, hit);
	return hit;
}

/** Where the y scale puts a value, in device px from the top of a plot `h` px tall (as uPlot's valToPos): linear, or
 * log (distr 3, base `log`); the charts use no other y scale. */
function readYMap(sc: uPlot.Scale, h: number): RasterYMap {
	const min = sc.min ?? 0;
	const max = sc.max ?? 1;
	const log = sc.distr === 3 ? 1 / Math.log(sc.log ?? 10) : 0;
	const lo = log === 0 ? min : Math.log(min) * log;
	const hi = log === 0 ? max : Math.log(max) * log;
	const k = hi === lo ? 0 : -h / (hi - lo);
	return { k, b: h - k * lo, log };
}

export interface DenseLinesOptions {
	/** Runs the lines' drawing later (a frame-budget slot after the one where uPlot drew the axes: each costs a few
	 * ms); default: at once, as uPlot draws. Draws asked for meanwhile are one, of the plot as it is then. */
	defer?: (draw: () => void) => void;
	/** Called once the lines are on the canvas, with the ms drawing them took. */
	onDrawn?: (ms: number) => void;
}

/** The plugin: give every line series of the chart `paths: noPaths`. */
export function createDenseLines(opts: DenseLinesOptions = {}): uPlot.Plugin {
	let canvas: HTMLCanvasElement | null = null;
	let ctx: CanvasRenderingContext2D | null = null;
	let xpx = new Float64Array(0);
	const colors = new Map<string, RasterColor>();

	function readColor(css: string, alpha: number): RasterColor {
		let c = colors.get(css);
		if (!c) colors.set(css, (c = ctx ? parseColor(ctx, css) : FALLBACK));
		return alpha >= 1 ? c : { ...c, a: c.a * alpha };
	}

	function draw(u: uPlot): void {
		if (!canvas || !ctx) return;
		const start = performance.now();
		const { left, width, height } = u.bbox;
		const w = Math.max(1, Math.round(width));
		const h = Math.max(1, Math.round(height));
		if (canvas.width !== w || canvas.height !== h) {
			canvas.width = w;
			canvas.height = h;
			canvas.style.width = `${w / devicePixelRatioOf()}px`;
			canvas.style.height = `${h / devicePixelRatioOf()}px`;
		}
		const { raster, image } = readScratch(w, h);
		clearLineRaster(raster);
		const xs = u.data[0];
		const n = xs.length;
		if (n > 0 && u.scales.x.min != null && u.scales.y.min != null) {
			if (xpx.length < n) xpx = new Float64Array(n);
			for (let i = 0; i < n; i++) xpx[i] = u.valToPos(xs[i], 'x', true) - left;
			const y = readYMap(u.scales.y, h);
			for (let si = 1; si < u.series.length; si++) {
				const s = u.series[si];
				if (!s.show) continue;
				drawAlignedLine(raster, xpx, u.data[si] as ArrayLike<number | null | undefined>, 0, n - 1, y, readColor(readStroke(u, s, si), s.alpha ?? 1));
			}
		}
		readLineRaster(raster, image.data);
		ctx.putImageData(image, 0, 0);
		opts.onDrawn?.(performance.now() - start);
	}

	let deferred = false;
	function requestDraw(u: uPlot): void {
		const defer = opts.defer;
		if (!defer) return draw(u);
		if (deferred) return;
		deferred = true;
		defer(() => {
			deferred = false;
			draw(u);
		});
	}

	return {
		hooks: {
			init: [
				(u) => {
					canvas = document.createElement('canvas');
					canvas.className = 'dense-lines';
					canvas.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none';
					ctx = canvas.getContext('2d');
					u.over.prepend(canvas);
				}
			],
			draw: [requestDraw],
			destroy: [
				() => {
					canvas?.remove();
					canvas = ctx = null;
				}
			]
		}
	};
}

/** Device pixels per CSS pixel, as uPlot sizes its canvas. */
function devicePixelRatioOf(): number {
	return typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
}
