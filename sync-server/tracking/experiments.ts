// Experiment operations over the `workspace` document, shared by the native and MLflow APIs.
import { docNames } from '../../src/lib/core/schema';
import { createExperimentId, isExperimentId } from '../../src/lib/core/ids';
import { alreadyExists, invalid, notFound } from '../../src/lib/core/errors';
import {
	createExperiment,
	ensureDefaultExperiment,
	findExperimentByName,
	readExperiment,
	readExperiments,
	updateExperiment,
	type Experiment
} from '../../src/lib/core/docs/workspace';
import { API_ORIGIN, readDocs, type DocAccess } from './doc-access';

const WS = docNames.workspace;

/** `mlflow-artifacts:/<id>`: the Python client then proxies artifact uploads through this server. */
export const experimentArtifactLocation = (id: string) => `mlflow-artifacts:/${id}`;

export function createExperimentService(access: DocAccess, now: () => number = Date.now) {
	const read = <T>(fn: (ws: import('yjs').Doc) => T) => readDocs(access, [WS], ([ws]) => fn(ws));
	const write = <T>(fn: (ws: import('yjs').Doc) => T) => access.transact([WS], ([ws]) => fn(ws), API_ORIGIN);

	const service = {
		/** Creates the Default experiment ("0") when the workspace has none. */
		ensureDefault: () => write((ws) => ensureDefaultExperiment(ws, experimentArtifactLocation('0'), now())),

		/** Every experiment; entries a peer wrote under keys that are not experiment ids are none (their documents cannot exist). */
		list: () => read((ws) => readExperiments(ws).filter((e) => isExperimentId(e.experiment_id))),

		async get(id: string): Promise<Experiment> {
			if (!isExperimentId(id)) throw invalid(`Invalid experiment id '${id}'`);
			const e = await read((ws) => readExperiment(ws, id));
			if (!e) throw notFound(`No Experiment with id=${id} exists`);
			return e;
		},

		async getByName(name: string): Promise<Experiment> {
			const e = await read((ws) => findExperimentByName(ws, name));
			if (!e || !isExperimentId(e.experiment_id)) throw notFound(`Could not find experiment with name '${name}'`);
			return e;
		},

		/** Creates an experiment; the name must be unused (deleted experiments keep their names, as in MLflow). */
		create(name: string, tags: Record<string, string> = {}, artifactLocation?: string): Promise<string> {
			if (!name.trim()) throw invalid(`Experiment name must not be empty`);
			return write((ws) => {
				if (findExperimentByName(ws, name)) throw alreadyExists(`Experiment '${name}' already exists.`);
				const experimentId = createExperimentId();
				createExperiment(ws, {
					experimentId,
					name,
					tags,
					artifactLocation: artifactLocation ?? experimentArtifactLocation(experimentId),
					now: now()
				});
				return experimentId;
			});
		},

		/** Finds by name or creates it (native ingest: an unknown experiment_name creates the experiment). */
		async ensureByName(name: string): Promise<string> {
			if (!name.trim()) throw invalid(`Experiment name must not be empty`);
			return write((ws) => {
				const found = findExperimentByName(ws, name);
				if (found) return found.experiment_id;
				const experimentId = createExperimentId();
				createExperiment(ws, { experimentId, name, artifactLocation: experimentArtifactLocation(experimentId), now: now() });
				return experimentId;
			});
		},

		update(
			id: string,
			patch: { name?: string; lifecycle?: 'active' | 'deleted'; tags?: Record<string, string>; deleteTags?: string[] }
		): Promise<void> {
			return write((ws) => {
				const current = readExperiment(ws, id);
				if (!current) throw notFound(`No Experiment with id=${id} exists`);
				if (patch.name !== undefined && patch.name !== current.name) {
					if (!patch.name.trim()) throw invalid(`Experiment name must not be empty`);
					if (findExperimentByName(ws, patch.name)) throw alreadyExists(`Experiment '${patch.name}' already exists.`);
				}
				updateExperiment(ws, id, { ...patch, now: now() });
			});
		}
	};
	return service;
}

export type ExperimentService = ReturnType<typeof createExperimentService>;
