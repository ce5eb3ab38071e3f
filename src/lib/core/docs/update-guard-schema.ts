// What clients may write in each client-writable document (DESIGN §2, §7): exactly what the app writes through
// docs/*.ts (tag edits, renames, delete/restore, notes, registry edits, logged-model tags), with types and sizes
// checked; every field the server owns (a run's meta, series directory and artifact manifest, params, statuses,
// times, logged-model headers) is refused.
import { EXPERIMENT_FIELDS as XF, SAVED_VIEW_FIELDS as VF, KEYS, LIFECYCLES, REGISTRY_FIELDS, RUN_FIELDS as RF, isValidKey, parseDocName } from '../schema';
import { isExperimentId, isModelId, isRunId } from '../ids';
import { LIMITS } from '../validate';
import { MLFLOW_LIMITS } from '../mlflow/keys';
import { REGISTRY_LIMITS, readAliasName, readModelName } from '../mlflow/registry-request';
import { MODEL_STAGES } from './registry';
import { SAVED_VIEW_LIMITS } from './saved-views';
import { checkProtectedWrite } from './registry-governance';
import { isRunColor } from '../run-color';
import { NOTE_TAG } from './notes';
import { isCommentId, parseComment, parseDeletion, parseThreadState } from '../comments/comment';
import type { ArraySchema, DocSchema, KeyCheck, MapSchema, Slot, ValueCheck } from './update-guard-rules';

const FM = REGISTRY_FIELDS.model;
const FV = REGISTRY_FIELDS.version;

const text =
	(max: number, nonEmpty = false): ValueCheck =>
	(v) =>
		typeof v === 'string' && v.length <= max && (!nonEmpty || v.trim() !== '') ? null : `must be a ${nonEmpty ? 'non-empty ' : ''}string of at most ${max} characters`;
const nullable =
	(check: ValueCheck): ValueCheck =>
	(v, at) =>
		v === null ? null : check(v, at);
const oneOf =
	(values: readonly string[]): ValueCheck =>
	(v) =>
		typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;
const id =
	(test: (v: unknown) => boolean, what: string): ValueCheck =>
	(v) =>
		test(v) ? null : `must be ${what}`;
/** ms since the epoch. */
const time: ValueCheck = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'must be a finite number of ms since the epoch');
const version: ValueCheck = (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 ? null : 'must be an integer ≥ 1');
const trueOnly: ValueCheck = (v) => (v === true ? null : 'must be true');
const hex32 = id(isRunId, '32 lowercase hex characters');
/** MLflow's rules, through the same parser the API uses. */
const modelName: ValueCheck = (v) => {
	try {
		readModelName({ name: v as string });
		return null;
	} catch (e) {
		return (e as Error).message;
	}
};

const idKey =
	(test: (k: string) => boolean, what: string): KeyCheck =>
	(k) =>
		test(k) ? null : `not ${what}`;
/** A key the server accepted already may be edited; a new one follows MLflow's key rule. */
const tagKey: KeyCheck = (k, exists) => (exists || isValidKey(k) ? null : 'not a valid tag key');
const aliasKey: KeyCheck = (k, exists) => {
	if (exists) return null;
	try {
		readAliasName({ alias: k }, true);
		return null;
	} catch (e) {
		return (e as Error).message;
	}
};

const client = (value: ValueCheck, del = false): Slot => ({ set: 'client', delete: del, value });
const once = (value: ValueCheck, del = false): Slot => ({ set: 'create', delete: del, value });
const SERVER: Slot = { set: 'server', delete: false };
const tags = (maxValue: number, key: KeyCheck = tagKey): MapSchema => ({ kind: 'map', entries: { key, slot: client(text(maxValue), true) } });
/** A run's note tag is the server's copy of the run's notes (run/<id>), which is where clients edit it. */
const runTagKey: KeyCheck = (k, exists) => (k === NOTE_TAG ? 'kept by the server from the run notes (edit those in run/<id>)' : tagKey(k, exists));
const mapSlot = (map: MapSchema, set: Slot['set'] = 'client', del = false): Slot => ({ set, delete: del, map });

const experimentEntry: MapSchema = {
	kind: 'map',
	fields: {
		[XF.name]: client(text(MLFLOW_LIMITS.experimentNameLength, true)),
		[XF.lifecycle]: client(oneOf(LIFECYCLES)),
		[XF.creationTime]: once(time),
		[XF.lastUpdateTime]: client(time),
		// The app stores an experiment's artifacts through this server, under its id.
		[XF.artifactLocation]: once((v, at) => (v === `mlflow-artifacts:/${at[1]}` ? null : `must be 'mlflow-artifacts:/${at[1]}'`)),
		[XF.tags]: mapSlot(tags(MLFLOW_LIMITS.experimentTagValueLength))
	}
};

const runHeader: MapSchema = {
	kind: 'map',
	fields: {
		[RF.name]: client(text(LIMITS.nameLength)),
		[RF.lifecycle]: client(oneOf(LIFECYCLES)),
		[RF.tags]: mapSlot(tags(LIMITS.tagValueLength, runTagKey)),
		[RF.color]: client((v) => (isRunColor(v) ? null : 'must be a #rrggbb colour'), true),
		[RF.status]: SERVER,
		[RF.user]: SERVER,
		[RF.startTime]: SERVER,
		[RF.endTime]: SERVER,
		[RF.artifactUri]: SERVER,
		[RF.params]: SERVER,
		[RF.inputs]: SERVER,
		[RF.outputs]: SERVER
	}
};

const registeredModel: MapSchema = {
	kind: 'map',
	fields: {
		[FM.name]: client(modelName),
		[FM.creationTime]: once(time),
		[FM.lastUpdateTime]: client(time),
		[FM.description]: client(nullable(text(REGISTRY_LIMITS.descriptionLength))),
		[FM.tags]: mapSlot(tags(REGISTRY_LIMITS.tagValueLength)),
		[FM.aliases]: mapSlot({ kind: 'map', entries: { key: aliasKey, slot: client(hex32, true) } })
	}
};

const modelVersion: MapSchema = {
	kind: 'map',
	fields: {
		[FV.model]: once(hex32),
		[FV.number]: once(version),
		[FV.creationTime]: once(time),
		[FV.lastUpdateTime]: client(time),
		[FV.stage]: client(oneOf(MODEL_STAGES)),
		[FV.deleted]: client(trueOnly),
		// A deleted version's content is cleared (registry-edit.ts deleteModelVersion).
		[FV.description]: client(nullable(text(REGISTRY_LIMITS.descriptionLength)), true),
		[FV.source]: once(text(REGISTRY_LIMITS.sourceLength), true),
		[FV.storageLocation]: once(text(REGISTRY_LIMITS.sourceLength), true),
		[FV.runId]: once(id(isRunId, 'a run id'), true),
		[FV.runLink]: once(text(REGISTRY_LIMITS.runLinkLength), true),
		[FV.loggedModelId]: once(id(isModelId, 'a logged model id'), true),
		[FV.tags]: mapSlot(tags(REGISTRY_LIMITS.tagValueLength), 'client', true)
	}
};

const AUDIT_KEYS = new Set(['at', 'who', 'model', 'modelId', 'version', 'kind', 'alias', 'from', 'to']);
/** One audit entry as registry-edit.ts appends it (docs/registry.ts AuditEntry). */
const auditEntry: ValueCheck = (v) => {
	if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) return 'an audit entry must be an object';
	const e = v as Record<string, unknown>;
	const short = (x: unknown, max: number) => typeof x === 'string' && x.length <= max;
	const optional = (x: unknown, max: number) => x === undefined || short(x, max);
	const move = (x: unknown) => x === null || short(x, 64);
	const ok =
		Object.keys(e).every((k) => AUDIT_KEYS.has(k)) &&
		time(e.at, []) === null &&
		short(e.who, REGISTRY_LIMITS.nameLength) &&
		short(e.model, 2 * REGISTRY_LIMITS.nameLength) &&
		(e.modelId === undefined || isRunId(e.modelId)) &&
		short(e.version, 20) &&
		(e.kind === 'stage' || e.kind === 'alias') &&
		optional(e.alias, REGISTRY_LIMITS.aliasLength) &&
		move(e.from) &&
		move(e.to);
	return ok ? null : 'not an audit entry (at, who, model, modelId, version, kind, alias, from, to)';
};
/** A saved view (docs/saved-views.ts): made whole by the app; its name and query edited later; deleted whole. */
const savedView: MapSchema = {
	kind: 'map',
	fields: {
		[VF.experimentId]: once(id(isExperimentId, 'an experiment id')),
		[VF.name]: client(text(SAVED_VIEW_LIMITS.nameLength, true)),
		[VF.query]: client(text(SAVED_VIEW_LIMITS.queryLength)),
		[VF.createdBy]: once(text(SAVED_VIEW_LIMITS.userLength)),
		[VF.creationTime]: once(time),
		[VF.lastUpdateTime]: client(time)
	}
};
const auditLog: ArraySchema = { kind: 'array', item: auditEntry, delete: false };

/** A comment, its deletion or its thread's state, each as one plain value (docs/comments.ts); the key last in `at`. */
const parsed =
	(parse: (v: unknown, id: string) => { ok: true } | { ok: false; error: string }): ValueCheck =>
	(v, at) => {
		const r = parse(v, String(at[at.length - 1]));
		return r.ok ? null : r.error;
	};
const commentRoots: DocSchema['roots'] = {
	[KEYS.comments.comments]: { kind: 'map', entries: { key: idKey(isCommentId, 'a comment id'), slot: client(parsed(parseComment)) } },
	[KEYS.comments.deleted]: { kind: 'map', entries: { key: idKey(isCommentId, 'a comment id'), slot: once(parsed(parseDeletion)) } },
	[KEYS.comments.threads]: { kind: 'map', entries: { key: idKey(isCommentId, 'a thread id'), slot: client(parsed(parseThreadState)) } }
};

const SCHEMAS = {
	workspace: {
		what: 'workspace',
		roots: {
			[KEYS.workspace.experiments]: { kind: 'map', entries: { key: idKey(isExperimentId, 'an experiment id'), slot: mapSlot(experimentEntry, 'create') } },
			[KEYS.workspace.views]: { kind: 'map', entries: { key: idKey(isRunId, 'a view id'), slot: mapSlot(savedView, 'create', true) } }
		}
	},
	experiment: { what: 'experiment document', roots: { [KEYS.experiment.runs]: { kind: 'map', entries: { key: idKey(isRunId, 'a run id'), slot: mapSlot(runHeader, 'server') } } } },
	run: { what: 'run document', roots: { [KEYS.run.notes]: { kind: 'text' }, [KEYS.run.meta]: 'server', [KEYS.run.series]: 'server', [KEYS.run.artifacts]: 'server' } },
	registry: {
		what: 'registry',
		roots: {
			[KEYS.registry.models]: { kind: 'map', entries: { key: idKey(isRunId, 'a registry id'), slot: mapSlot(registeredModel, 'create', true) } },
			[KEYS.registry.versions]: { kind: 'map', entries: { key: idKey(isRunId, 'a registry id'), slot: mapSlot(modelVersion, 'create', true) } },
			[KEYS.registry.audit]: auditLog,
			[KEYS.registry.protected]: 'server',
			[KEYS.registry.requests]: 'server'
		},
		rule: checkProtectedWrite
	},
	comments: { what: 'comments document', roots: commentRoots },
	registryComments: { what: 'registry comments document', roots: commentRoots },
	models: {
		what: 'logged models document',
		roots: {
			[KEYS.models.models]: 'server',
			[KEYS.models.tags]: { kind: 'map', entries: { key: idKey(isModelId, 'a logged model id'), slot: mapSlot(tags(LIMITS.tagValueLength)) } },
			[KEYS.models.touched]: { kind: 'map', entries: { key: idKey(isModelId, 'a logged model id'), slot: client(time) } }
		}
	}
} satisfies Record<string, DocSchema>;

/** The schema client updates to document `name` must follow; null for a server-only or unknown name. */
export function readDocSchema(name: string): DocSchema | null {
	const ref = parseDocName(name);
	switch (ref?.kind) {
		case 'workspace':
		case 'experiment':
		case 'run':
		case 'registry':
		case 'models':
		case 'comments':
		case 'registryComments':
			return SCHEMAS[ref.kind];
		default:
			return null;
	}
}
