// The document schema: every document name and every Yjs key Tandem uses, in one place (DESIGN.md §2).
// Modules under src/lib/core/docs/ are the only code that touches Yjs types; they take their keys from here.
import { isExperimentId, isRunId } from './ids';

/** Top-level shared types of each document kind. */
export const KEYS = {
	/** `views`: the named views saved for experiments (docs/saved-views.ts), keyed by a random view id. */
	workspace: { experiments: 'experiments', views: 'views' },
	experiment: { runs: 'runs' },
	live: { metrics: 'metrics', batches: 'batches' },
	run: { meta: 'meta', notes: 'notes', artifacts: 'artifacts', series: 'series' },
	series: { chunks: 'chunks', meta: 'meta' },
	/** `protected` (model id → its protected stages and aliases) and `requests` (id → a move awaiting approval): server-written. */
	registry: { models: 'models', versions: 'versions', audit: 'audit', protected: 'protected', requests: 'requests' },
	/** `exp/<id>/models`: one header per logged model of the experiment, its tags, and when they were last edited. */
	models: { models: 'models', tags: 'tags', touched: 'touched' },
	/** `model/<modelId>`: the experiment it belongs to, params and the artifact manifest (same key as a run's). */
	model: { meta: 'meta', params: 'params', artifacts: 'artifacts' },
	/** `exp/<id>/comments` and `registry/comments`: comment records, deletions and thread states (core/comments). */
	comments: { comments: 'comments', deleted: 'deleted', threads: 'threads' }
} as const;

/** Fields of an experiment entry (a Y.Map inside workspace.experiments). `tags` is a nested Y.Map<string>. */
export const EXPERIMENT_FIELDS = {
	name: 'name',
	lifecycle: 'lifecycle',
	creationTime: 'creationTime',
	lastUpdateTime: 'lastUpdateTime',
	artifactLocation: 'artifactLocation',
	tags: 'tags'
} as const;

/** Fields of a saved view (a Y.Map inside workspace.views): the experiment page's URL query under a name. */
export const SAVED_VIEW_FIELDS = {
	experimentId: 'experimentId',
	name: 'name',
	query: 'query',
	createdBy: 'createdBy',
	creationTime: 'creationTime',
	lastUpdateTime: 'lastUpdateTime'
} as const;

/** Fields of a run header (a Y.Map inside exp/<id>.runs). `params` and `tags` are nested Y.Map<string>. */
export const RUN_FIELDS = {
	name: 'name',
	status: 'status',
	user: 'user',
	startTime: 'startTime',
	endTime: 'endTime',
	lifecycle: 'lifecycle',
	artifactUri: 'artifactUri',
	params: 'params',
	tags: 'tags',
	inputs: 'inputs',
	outputs: 'outputs',
	/** `#rrggbb` picked for the run in the app (core/run-color.ts); absent = derived from the run id. */
	color: 'color'
} as const;

/**
 * Fields of a logged model's header: one plain object value per model in exp/<id>/models.models, keyed by model id,
 * rewritten whole by the server only (one Yjs item per model: 10,000 models load ~3x faster than nested maps).
 * `metrics` is an array of LoggedModelMetric. Tags, which users edit offline, are a Y.Map<string> per model in
 * `tags`; `touched` keeps each model's last tag edit (ms), so a tag edit never rewrites the header.
 */
export const MODEL_FIELDS = {
	name: 'name',
	modelType: 'modelType',
	sourceRunId: 'sourceRunId',
	status: 'status',
	statusMessage: 'statusMessage',
	creationTime: 'creationTime',
	lastUpdateTime: 'lastUpdateTime',
	artifactLocation: 'artifactLocation',
	lifecycle: 'lifecycle',
	paramCount: 'paramCount',
	metrics: 'metrics'
} as const;

export const LOGGED_MODEL_STATUSES = ['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'] as const;
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

/**
 * Fields of the `registry` document's entries. `models` is keyed by a random model id, `versions` by a random
 * version id (see docs/registry.ts for how names and numbers settle). `tags` are nested Y.Map<string>;
 * a model's `aliases` is a nested Y.Map<string> of alias -> version id.
 */
export const REGISTRY_FIELDS = {
	model: {
		name: 'name',
		creationTime: 'creationTime',
		lastUpdateTime: 'lastUpdateTime',
		description: 'description',
		tags: 'tags',
		aliases: 'aliases'
	},
	version: {
		model: 'model',
		number: 'number',
		creationTime: 'creationTime',
		lastUpdateTime: 'lastUpdateTime',
		stage: 'stage',
		deleted: 'deleted',
		description: 'description',
		source: 'source',
		storageLocation: 'storageLocation',
		runId: 'runId',
		runLink: 'runLink',
		loggedModelId: 'loggedModelId',
		tags: 'tags'
	}
} as const;

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const LIFECYCLES = ['active', 'deleted'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];

/** A series document rolls over into a new part past this many encoded bytes (IndexedDB value limits, §2). */
export const SERIES_PART_MAX_BYTES = 32 * 1024 * 1024;
/** Tail chunks are sealed into one chunk once this many have accumulated (§3). */
export const SERIES_SEAL_EVERY = 100;

/** Document names. Metric keys never contain '@' (MLflow key rule), so `@<part>` is unambiguous. */
export const docNames = {
	workspace: 'workspace',
	registry: 'registry',
	experiment: (experimentId: string) => `exp/${experimentId}`,
	live: (experimentId: string) => `exp/${experimentId}/live`,
	models: (experimentId: string) => `exp/${experimentId}/models`,
	/** Comment threads on the experiment and its runs (pinned ones included). */
	comments: (experimentId: string) => `exp/${experimentId}/comments`,
	/** Comment threads on registered models and their versions. */
	registryComments: 'registry/comments',
	model: (modelId: string) => `model/${modelId}`,
	run: (runId: string) => `run/${runId}`,
	series: (runId: string, key: string, part = 0) => `series/${runId}/${key}${part > 0 ? `@${part}` : ''}`
} as const;

export type DocRef =
	| { kind: 'workspace' }
	| { kind: 'registry' }
	| { kind: 'experiment'; experimentId: string }
	| { kind: 'live'; experimentId: string }
	| { kind: 'models'; experimentId: string }
	| { kind: 'comments'; experimentId: string }
	| { kind: 'registryComments' }
	| { kind: 'model'; modelId: string }
	| { kind: 'run'; runId: string }
	| { kind: 'series'; runId: string; key: string; part: number };

/** MLflow's rule for metric, param and tag keys: alphanumerics, `_ - . /` and space, at most 250 chars, no `..` segment. */
export function isValidKey(key: unknown): key is string {
	return (
		typeof key === 'string' &&
		key.length > 0 &&
		key.length <= 250 &&
		/^[\w\-. /]+$/.test(key) &&
		!key.startsWith('/') &&
		!key.split('/').includes('..')
	);
}

/** Parses a document name into what it refers to, or null for a name Tandem does not serve. */
export function parseDocName(name: string): DocRef | null {
	if (name === 'workspace') return { kind: 'workspace' };
	if (name === 'registry') return { kind: 'registry' };
	if (name === 'registry/comments') return { kind: 'registryComments' };
	const exp = /^exp\/([0-9]+)(?:\/(live|models|comments))?$/.exec(name);
	if (exp && isExperimentId(exp[1])) {
		if (exp[2] === 'live') return { kind: 'live', experimentId: exp[1] };
		if (exp[2] === 'comments') return { kind: 'comments', experimentId: exp[1] };
		return exp[2] === 'models' ? { kind: 'models', experimentId: exp[1] } : { kind: 'experiment', experimentId: exp[1] };
	}
	const model = /^model\/(m-[0-9a-f]{32})$/.exec(name);
	if (model) return { kind: 'model', modelId: model[1] };
	const run = /^run\/([0-9a-f]{32})$/.exec(name);
	if (run) return { kind: 'run', runId: run[1] };
	const series = /^series\/([0-9a-f]{32})\/(.+?)(?:@([1-9][0-9]{0,5}))?$/.exec(name);
	if (series && isRunId(series[1]) && isValidKey(series[2])) {
		return { kind: 'series', runId: series[1], key: series[2], part: series[3] ? Number(series[3]) : 0 };
	}
	return null;
}

export function isValidDocName(name: string): boolean {
	return parseDocName(name) !== null;
}

/** Documents only the server writes (§2): the relay drops client updates to them. */
export function isServerOnlyDoc(name: string): boolean {
	const ref = parseDocName(name);
	return ref?.kind === 'series' || ref?.kind === 'live' || ref?.kind === 'model';
}
