// Unit tests of where a model version's artifacts are: logged models (by storage location, model id or
// models:/ URI), run folders (runs:/ sources, artifact-proxy URIs inside the run), outside sources; folder selection.
import { describe, expect, it } from 'vitest';
import type { ArtifactEntry } from './docs/run';
import { readLoggedModelLocation, readVersionArtifactRoot, readVersionRunId, selectArtifactFolder } from './version-artifacts';

const RUN = '0123456789abcdef0123456789abcdef';
const MODEL = 'm-' + 'a'.repeat(32);
const version = (over: { source: string; storageLocation?: string; runId?: string | null; loggedModelId?: string | null }) => ({
	storageLocation: over.source,
	runId: null,
	loggedModelId: null,
	...over
});

describe('readVersionArtifactRoot', () => {
	it('finds a logged model by its storage location, id or models:/ source', () => {
		expect(readVersionArtifactRoot(version({ source: `models:/${MODEL}`, storageLocation: `mlflow-artifacts:/7/models/${MODEL}/artifacts`, runId: RUN, loggedModelId: MODEL }))).toEqual({
			kind: 'logged-model',
			modelId: MODEL,
			experimentId: '7'
		});
		expect(readVersionArtifactRoot(version({ source: `runs:/${RUN}/model`, runId: RUN, loggedModelId: MODEL }))).toEqual({ kind: 'logged-model', modelId: MODEL, experimentId: null });
		expect(readVersionArtifactRoot(version({ source: `models:/${MODEL}` }))).toEqual({ kind: 'logged-model', modelId: MODEL, experimentId: null });
	});

	it('finds a folder of the source run from runs:/ and artifact-proxy URIs', () => {
		expect(readVersionArtifactRoot(version({ source: `runs:/${RUN}/model/sub`, runId: RUN }))).toEqual({ kind: 'run', runId: RUN, path: 'model/sub' });
		expect(readVersionArtifactRoot(version({ source: `runs:/${RUN}` }))).toEqual({ kind: 'run', runId: RUN, path: '' });
		expect(readVersionArtifactRoot(version({ source: `mlflow-artifacts:/3/${RUN}/artifacts/my%20model`, runId: RUN }))).toEqual({ kind: 'run', runId: RUN, path: 'my model' });
		expect(readVersionArtifactRoot(version({ source: `http://h:5000/api/2.0/mlflow-artifacts/artifacts/3/${RUN}/artifacts/model`, runId: RUN }))).toEqual({ kind: 'run', runId: RUN, path: 'model' });
	});

	it('is null for sources outside Tandem and proxy URIs of another run', () => {
		expect(readVersionArtifactRoot(version({ source: 's3://bucket/model', runId: RUN }))).toBeNull();
		expect(readVersionArtifactRoot(version({ source: `mlflow-artifacts:/3/${'f'.repeat(32)}/artifacts/model`, runId: RUN }))).toBeNull();
		expect(readVersionArtifactRoot(version({ source: 'mlflow-artifacts:/3/x/artifacts/model' }))).toBeNull();
	});
});

describe('readLoggedModelLocation and readVersionRunId', () => {
	it('reads the experiment of a logged model URI', () => {
		expect(readLoggedModelLocation(`mlflow-artifacts:/12/models/${MODEL}/artifacts`)).toEqual({ experimentId: '12', modelId: MODEL });
		expect(readLoggedModelLocation(`mlflow-artifacts:/12/${RUN}/artifacts`)).toBeNull();
	});

	it('takes the run id, else the runs:/ source run', () => {
		expect(readVersionRunId({ source: 's3://x', runId: RUN })).toBe(RUN);
		expect(readVersionRunId({ source: `runs:/${RUN}/model`, runId: null })).toBe(RUN);
		expect(readVersionRunId({ source: 's3://x', runId: null })).toBeNull();
	});
});

describe('selectArtifactFolder', () => {
	const e = (size: number): ArtifactEntry => ({ sha256: 'x', size, type: 'text/plain', mtime: 0 });
	const manifest = new Map([
		['model/MLmodel', e(1)],
		['model/sub/a.txt', e(2)],
		['model2/b', e(3)],
		['c', e(4)]
	]);
	it('keeps the files of the folder with paths relative to it', () => {
		expect([...selectArtifactFolder(manifest, 'model').keys()]).toEqual(['MLmodel', 'sub/a.txt']);
		expect(selectArtifactFolder(manifest, '').size).toBe(4);
		expect(selectArtifactFolder(manifest, 'none').size).toBe(0);
	});
});
