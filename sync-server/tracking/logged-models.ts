// Logged-model operations (MLflow 3.x) over their documents: create, read, finalize, delete, tags, params,
// metrics and search. Headers live in `exp/<id>/models`, params and artifacts in `model/<modelId>` (DESIGN.md §2).
import { docNames } from '../../src/lib/core/schema';
import { createModelId, createRunName, isModelId } from '../../src/lib/core/ids';
import { ApiError, invalid, notFound } from '../../src/lib/core/errors';
import {
	createLoggedModel,
	readLoggedModel,
	readLoggedModels,
	readModelExperiment,
	readModelParams,
	setModelParams,
	updateLoggedModel,
	type LoggedModelMetric,
	type LoggedModelPatch,
	type LoggedModelRecord
} from '../../src/lib/core/docs/logged-models';
import type { CreateLoggedModelRequest, SearchLoggedModelsRequest } from '../../src/lib/core/mlflow/logged-model-requests';
import { compileLoggedModelFilter, searchLoggedModels } from '../../src/lib/core/mlflow/logged-model-search';
import { readPage, type Page } from '../../src/lib/core/mlflow/paging';
import { API_ORIGIN, readDocs, type DocAccess } from './doc-access';
import { createDocMemo, createMemo } from './doc-memo';
import type { ExperimentService } from './experiments';

export interface LoggedModel {
	record: LoggedModelRecord;
	params: Record<string, string>;
}

const missing = (modelId: string) => notFound(`Logged model with ID '${modelId}' not found.`);

/** `mlflow-artifacts:/<exp>/models/<model_id>/artifacts` under the experiment's own location, as MLflow's stores build it. */
export const modelArtifactUri = (experimentLocation: string, modelId: string) => `${experimentLocation.replace(/\/+$/, '')}/models/${modelId}/artifacts`;

export function createLoggedModelService(access: DocAccess, experiments: ExperimentService, now: () => number = Date.now) {
	/** Each experiment's model headers, read once per state of its models document. */
	const headers = createDocMemo<LoggedModelRecord[]>({ maxEntries: 16 });
	const searches = createMemo<LoggedModelRecord[]>({ maxEntries: 32 });
	const readAll = (expId: string) => readDocs(access, [docNames.models(expId)], (docs) => headers.read(expId, docs, ([d]) => readLoggedModels(d, expId)));
	const readParams = (modelId: string) => readDocs(access, [docNames.model(modelId)], ([d]) => readModelParams(d));
	const paramsByRecord = new WeakMap<LoggedModelRecord, Record<string, string>>();

	/** The experiment of a model; 404 for an id that names no model (or can never name one). */
	async function locate(modelId: string): Promise<string> {
		if (!isModelId(modelId)) throw missing(modelId);
		const expId = await readDocs(access, [docNames.model(modelId)], ([d]) => readModelExperiment(d));
		if (expId === null) throw missing(modelId);
		return expId;
	}

	async function readRecord(modelId: string, allowDeleted: boolean): Promise<LoggedModelRecord> {
		const expId = await locate(modelId);
		const record = await readDocs(access, [docNames.models(expId)], ([d]) => readLoggedModel(d, expId, modelId));
		if (!record || (!allowDeleted && record.lifecycle === 'deleted')) throw missing(modelId);
		return record;
	}

	async function patch(modelId: string, change: LoggedModelPatch): Promise<void> {
		const record = await readRecord(modelId, false);
		await access.transact([docNames.models(record.experimentId)], ([d]) => updateLoggedModel(d, modelId, change, now()), API_ORIGIN);
	}

	const service = {
		locate,

		/** A model's header without its params (existence checks, registry lookups); 404 if it is missing or deleted. */
		readHeader: (modelId: string, allowDeleted = false) => readRecord(modelId, allowDeleted),

		/** Creates a PENDING model in an active experiment, with its first params; resolves once durable. */
		async create(req: CreateLoggedModelRequest): Promise<LoggedModel> {
			const experiment = await experiments.get(req.experimentId);
			if (experiment.lifecycle !== 'active') {
				throw invalid(`The experiment ${req.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycle}.`);
			}
			const modelId = createModelId();
			const input = {
				modelId,
				name: req.name ?? createRunName(),
				modelType: req.modelType,
				sourceRunId: req.sourceRunId,
				creationTime: now(),
				artifactLocation: modelArtifactUri(experiment.artifact_location, modelId),
				tags: req.tags
			};
			await access.transact(
				[docNames.models(req.experimentId), docNames.model(modelId)],
				([models, model]) => createLoggedModel(models, model, req.experimentId, { ...input, paramCount: setModelParams(model, req.params) }),
				API_ORIGIN
			);
			return service.get(modelId);
		},

		async get(modelId: string, allowDeleted = false): Promise<LoggedModel> {
			const record = await readRecord(modelId, allowDeleted);
			return { record, params: await readParams(modelId) };
		},

		update: patch,

		/** Adds params (a key given again takes the new value); resolves once durable. */
		async logParams(modelId: string, params: Record<string, string>): Promise<void> {
			const record = await readRecord(modelId, false);
			await access.transact(
				[docNames.models(record.experimentId), docNames.model(modelId)],
				([models, model]) => updateLoggedModel(models, modelId, { paramCount: setModelParams(model, params) }, now()),
				API_ORIGIN
			);
		},

		/** Records metric values on the model (also kept as run metrics by the caller); identical values are kept once. */
		logMetrics: (modelId: string, metrics: LoggedModelMetric[]) => patch(modelId, { metrics }),

		async deleteTag(modelId: string, key: string): Promise<void> {
			const record = await readRecord(modelId, false);
			if (!Object.hasOwn(record.tags, key)) throw notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
			await patch(modelId, { deleteTags: [key] });
		},

		/** Every model of an experiment, deleted ones included (memoised until its document changes). */
		list: readAll,

		/**
		 * A model's params. A header record stands for one state of its header, and every params write also updates
		 * the header, so params read for a record hold for as long as that record is current (memoised by identity).
		 */
		async readParamsOf(record: LoggedModelRecord): Promise<Record<string, string>> {
			if (record.paramCount === 0) return {};
			let params = paramsByRecord.get(record);
			if (!params) paramsByRecord.set(record, (params = await readParams(record.modelId)));
			return params;
		},

		/** One page of MLflow's search over the experiments' active models (read their params with readParamsOf). */
		async search(req: SearchLoggedModelsRequest): Promise<Page<LoggedModelRecord>> {
			const filter = compileLoggedModelFilter(req.filter, req.datasets);
			const sources: LoggedModelRecord[][] = [];
			for (const id of req.experimentIds) {
				// Experiments that do not exist (or cannot: a malformed id) contribute nothing, as in MLflow's store.
				const known = await experiments.get(id).then(
					() => true,
					(e: unknown) => (e instanceof ApiError ? false : Promise.reject(e))
				);
				if (known) sources.push(await readAll(id));
			}
			// Array.prototype.flat is slow on 10,000 items (~1 ms): only concatenated when a search is computed.
			const readAllOf = () => ([] as LoggedModelRecord[]).concat(...sources);
			let found: LoggedModelRecord[];
			if (filter.readsParams) {
				const all = readAllOf();
				const params = new Map<string, Record<string, string>>();
				for (const r of all) if (r.lifecycle === 'active') params.set(r.modelId, await service.readParamsOf(r));
				found = searchLoggedModels(all, filter, req.order, (id) => params.get(id) ?? {});
			} else found = searches.read(req.queryKey, sources, () => searchLoggedModels(readAllOf(), filter, req.order));
			return readPage(found, req.offset, req.maxResults);
		}
	};
	return service;
}

export type LoggedModelService = ReturnType<typeof createLoggedModelService>;
