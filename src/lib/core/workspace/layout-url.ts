// The workspace layout in one URL parameter, compact and readable: `1*n100*xtime*plmtrain/loss*psm,metrics.acc`.
// Fields are separated by `*` (never in a metric key or column id, and kept as is by URLSearchParams); the first is
// the format version. What the text says is then checked by the layout's own parser (layout.ts). Pure.
import { DEFAULT_LAYOUT, LAYOUT_VERSION, parseWorkspaceLayout, type LayoutParse, type PanelSpec, type WorkspaceLayout } from './layout';

const TYPE_CODES = { line: 'l', bar: 'b', scatter: 's', parallel: 'p' } as const;
const TYPES_BY_CODE: Record<string, PanelSpec['type']> = { l: 'line', b: 'bar', s: 'scatter', p: 'parallel' };
/** An explicitly empty list of parallel axes (a lone `-` is no column id). */
const NO_AXES = '-';

function formatPanel(p: PanelSpec): string {
	const head = `p${TYPE_CODES[p.type]}${p.size}`;
	switch (p.type) {
		case 'line':
			return head + p.metric;
		case 'bar':
			return `${head}${p.agg},${p.metric}`;
		case 'scatter':
			return `${head}${p.x ?? ''},${p.y ?? ''}`;
		case 'parallel':
			return head + (p.axes === null ? '' : p.axes.length === 0 ? NO_AXES : p.axes.join(','));
	}
}

/** The text of `search` inside a field: percent-encoded, `*` included. */
const encodeText = (s: string) => encodeURIComponent(s).replaceAll('*', '%2A');

/** The layout as the value of one URL parameter; null for the default layout (nothing to write). */
export function formatLayoutParam(layout: WorkspaceLayout): string | null {
	const d = DEFAULT_LAYOUT;
	const fields: string[] = [String(LAYOUT_VERSION)];
	if (layout.top !== d.top) fields.push(`n${layout.top}`);
	if (layout.x !== 'step') fields.push(typeof layout.x === 'string' ? `x${layout.x}` : `x=${layout.x.metric}`);
	if (layout.smoothing > 0) fields.push(`s${Number(layout.smoothing.toFixed(3))}`);
	if (layout.logY) fields.push('l');
	if (layout.search !== '') fields.push(`q${encodeText(layout.search)}`);
	if (layout.collapsed.length > 0) fields.push(`c${layout.collapsed.join(',')}`);
	if (layout.removed.length > 0) fields.push(`r${layout.removed.join(',')}`);
	for (const p of layout.panels) fields.push(formatPanel(p));
	return fields.length === 1 ? null : fields.join('*');
}

function readPanelField(f: string): unknown {
	const type = TYPES_BY_CODE[f[1]];
	const size = f[2];
	const args = f.slice(3);
	const comma = args.indexOf(',');
	switch (type) {
		case 'line':
			return { type, size, metric: args };
		case 'bar':
			return { type, size, agg: args.slice(0, comma), metric: comma < 0 ? '' : args.slice(comma + 1) };
		case 'scatter':
			return { type, size, x: comma <= 0 ? null : args.slice(0, comma), y: comma < 0 || comma === args.length - 1 ? null : args.slice(comma + 1) };
		case 'parallel':
			return { type, size, axes: args === '' ? null : args === NO_AXES ? [] : args.split(',') };
		default:
			return { type: f[1] };
	}
}

/** Reads the parameter written by formatLayoutParam; null (absent) reads as the default layout. */
export function readLayoutParam(value: string | null): LayoutParse {
	if (value === null || value === '') return { ok: true, layout: DEFAULT_LAYOUT };
	const [version, ...fields] = value.split('*');
	if (version !== String(LAYOUT_VERSION)) return { ok: false, error: `version: expected ${LAYOUT_VERSION}, got ${JSON.stringify(version)}` };
	const out: Record<string, unknown> = { version: LAYOUT_VERSION, panels: [] };
	const panels = out.panels as unknown[];
	for (const f of fields) {
		const rest = f.slice(1);
		switch (f[0]) {
			case 'n':
				out.top = /^\d{1,3}$/.test(rest) ? Number(rest) : rest;
				break;
			case 'x':
				out.x = rest.startsWith('=') ? { metric: rest.slice(1) } : rest;
				break;
			case 's':
				out.smoothing = rest.trim() === '' ? rest : Number(rest);
				break;
			case 'l':
				out.logY = rest === '' ? true : rest;
				break;
			case 'q':
				try {
					out.search = decodeURIComponent(rest);
				} catch {
					return { ok: false, error: 'search: not percent-encoded text' };
				}
				break;
			case 'c':
				out.collapsed = rest.split(',');
				break;
			case 'r':
				out.removed = rest.split(',');
				break;
			case 'p':
				panels.push(readPanelField(f));
				break;
			default:
				return { ok: false, error: `unknown field ${JSON.stringify(f.slice(0, 20))}` };
		}
	}
	return parseWorkspaceLayout(out);
}
