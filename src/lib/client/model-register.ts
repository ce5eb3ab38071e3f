// "Register model" from the app: a logged model (`models:/<model_id>`) or a run's model folder
// (`runs:/<run_id>/<path>`) becomes a new version of a new or existing registered model, written into the local
// `registry` document (offline too); the relay carries it to every open screen, numbers settling as registry.ts says.
import { docNames } from '$lib/core/schema';
import { createRegistryId, readRegisteredModels } from '$lib/core/docs/registry';
import { registerModelVersion } from '$lib/core/docs/registry-edit';
import { readModelName } from '$lib/core/mlflow/registry-request';
import { openDocument } from './documents';

export type RegisterSource =
	| { kind: 'logged-model'; modelId: string; artifactLocation: string; sourceRunId: string }
	| { kind: 'run-folder'; runId: string; path: string };

export type RegisterResult = { ok: true; name: string; version: number } | { ok: false; error: string };

/** The version's source URI, as MLflow records it. */
export function formatRegisterSource(source: RegisterSource): string {
	return source.kind === 'logged-model' ? `models:/${source.modelId}` : `runs:/${source.runId}/${source.path}`;
}

/** Registers `source` as a new version of the model `name` (created if none has the name). */
export function registerVersion(name: string, source: RegisterSource, description: string): RegisterResult {
	let checked: string;
	try {
		checked = readModelName({ name: name.trim() });
	} catch (e) {
		return { ok: false, error: (e as Error).message };
	}
	const handle = openDocument(docNames.registry);
	try {
		const versionId = createRegistryId();
		const uri = formatRegisterSource(source);
		registerModelVersion(handle.doc, {
			name: checked,
			newModelId: createRegistryId(),
			id: versionId,
			source: uri,
			storageLocation: source.kind === 'logged-model' ? source.artifactLocation || uri : uri,
			runId: source.kind === 'logged-model' ? source.sourceRunId || null : source.runId,
			loggedModelId: source.kind === 'logged-model' ? source.modelId : null,
			description: description.trim() === '' ? null : description.trim(),
			now: Date.now()
		});
		const created = readRegisteredModels(handle.doc)
			.flatMap((m) => m.versions)
			.find((v) => v.id === versionId);
		return created ? { ok: true, name: created.name, version: created.version } : { ok: false, error: 'The version could not be read back' };
	} finally {
		handle.release();
	}
}
