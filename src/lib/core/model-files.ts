// The files an MLflow model folder holds, read for display: the input example as a table (pandas split or records
// JSON, MLflow's serving wrappers, a list of rows), requirements.txt as package lines, and which artifact folders
// are models (they hold an `MLmodel` file).
import type { ArtifactEntry } from './docs/run';

export const MLMODEL_FILE = 'MLmodel';
/** The environment files MLflow writes beside MLmodel, in the order they are shown. */
export const REQUIREMENT_FILES = ['requirements.txt', 'python_env.yaml', 'conda.yaml'] as const;

export interface ExampleTable {
	columns: string[];
	/** cell values as display text (JSON for nested values) */
	rows: string[][];
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const cell = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

function fromSplit(o: Record<string, unknown>): ExampleTable | null {
	if (!Array.isArray(o.data)) return null;
	const data = o.data.map((r) => (Array.isArray(r) ? r : [r]));
	const width = Math.max(0, ...data.map((r) => r.length));
	const columns = Array.isArray(o.columns) ? o.columns.map(cell) : Array.from({ length: width }, (_, i) => String(i));
	return { columns, rows: data.map((r) => columns.map((_, i) => cell(r[i]))) };
}

function fromRecords(list: unknown[]): ExampleTable | null {
	if (list.length === 0) return null;
	if (list.every(isObj)) {
		const columns = [...new Set(list.flatMap((r) => Object.keys(r)))];
		return { columns, rows: list.map((r) => columns.map((c) => cell(r[c]))) };
	}
	if (list.every(Array.isArray)) return fromSplit({ data: list });
	return null;
}

/**
 * `input_example.json` (or `serving_input_example.json`) as a table: `{columns, data}` (pandas split),
 * `[{…}, …]` (records), `{dataframe_split|dataframe_records|inputs|instances: …}`, or a list of rows. Null for
 * anything else (a tensor, a string, a chat request), which is shown as JSON instead.
 */
export function parseInputExample(text: string): ExampleTable | null {
	let v: unknown;
	try {
		v = JSON.parse(text);
	} catch {
		return null;
	}
	let wrapped = false;
	for (let depth = 0; depth < 2 && isObj(v); depth++) {
		if (Array.isArray(v.data) && (Array.isArray(v.columns) || !('inputs' in v))) return fromSplit(v);
		const inner = v.dataframe_split ?? v.dataframe_records ?? v.inputs ?? v.instances;
		if (inner === undefined) break;
		[v, wrapped] = [inner, true];
	}
	if (isObj(v)) {
		// {column: [values…]}: MLflow's `inputs` for named columns (only inside that wrapper)
		if (!wrapped) return null;
		const entries = Object.entries(v);
		if (entries.length === 0 || !entries.every(([, c]) => Array.isArray(c))) return null;
		const columns = entries.map(([k]) => k);
		const n = Math.max(...entries.map(([, c]) => (c as unknown[]).length));
		return { columns, rows: Array.from({ length: n }, (_, i) => entries.map(([, c]) => cell((c as unknown[])[i]))) };
	}
	return Array.isArray(v) ? fromRecords(v) : null;
}

/** requirements.txt's package lines: comments, blank lines and pip options (`-r`, `--index-url`…) left out. */
export function readRequirements(text: string): string[] {
	return text
		.split(/\r?\n/)
		.map((l) => l.replace(/(^|\s)#.*$/, '').trim())
		.filter((l) => l !== '' && !l.startsWith('-'));
}

/** The folders of a manifest that hold an MLmodel file ('' for the root), sorted. */
export function readModelFolders(artifacts: ReadonlyMap<string, ArtifactEntry>): string[] {
	const out: string[] = [];
	for (const path of artifacts.keys()) {
		if (path === MLMODEL_FILE) out.push('');
		else if (path.endsWith(`/${MLMODEL_FILE}`)) out.push(path.slice(0, -MLMODEL_FILE.length - 1));
	}
	return out.sort();
}

/** The path of `file` inside model folder `dir` ('' = the root). */
export const joinModelPath = (dir: string, file: string): string => (dir === '' ? file : `${dir}/${file}`);
