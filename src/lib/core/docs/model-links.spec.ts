import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRun } from './experiment';
import { createLoggedModel, readLoggedModels } from './logged-models';
import { appendRunInputs } from '../mlflow/run-inputs';
import { readModelsOfRun, readRunNames, readRunsOfModel } from './model-links';

const M1 = `m-${'1'.repeat(32)}`;
const M2 = `m-${'2'.repeat(32)}`;
const M9 = `m-${'9'.repeat(32)}`;
const [A, B, C] = ['a', 'b', 'c'].map((c) => c.repeat(32));

function setup() {
	const exp = new Y.Doc();
	const models = new Y.Doc();
	for (const [runId, name] of [[A, 'train'], [B, 'evaluate'], [C, '']]) createRun(exp, { runId, experimentId: '1', name, user: 'u', startTime: 0, status: 'FINISHED', artifactUri: '' });
	createLoggedModel(models, new Y.Doc(), '1', { modelId: M1, name: 'clf', modelType: '', sourceRunId: A, creationTime: 1, artifactLocation: '', tags: {} });
	createLoggedModel(models, new Y.Doc(), '1', { modelId: M2, name: 'logged-by-b', modelType: '', sourceRunId: '', creationTime: 2, artifactLocation: '', tags: {} });
	appendRunInputs(exp, A, { datasetInputs: [], modelInputs: [], modelOutputs: [{ model_id: M1, step: 0 }, { model_id: M9, step: 0 }] });
	appendRunInputs(exp, B, { datasetInputs: [], modelInputs: [{ model_id: M1 }], modelOutputs: [{ model_id: M2, step: 3 }] });
	return { exp, models: readLoggedModels(models, '1') };
}

describe('model links', () => {
	it('names runs by id', () => {
		const { exp } = setup();
		expect(readRunNames(exp)).toEqual(new Map([[A, 'train'], [B, 'evaluate'], [C, '']]));
	});

	it('finds the runs that logged or used a model', () => {
		const { exp } = setup();
		expect(readRunsOfModel(exp, M1)).toEqual([
			{ runId: B, name: 'evaluate', relation: 'input' },
			{ runId: A, name: 'train', relation: 'output' }
		]);
		expect(readRunsOfModel(exp, M2)).toEqual([{ runId: B, name: 'evaluate', relation: 'output' }]);
	});

	it('finds the models a run produced, by source run or output, and the outputs not known here', () => {
		const { exp, models } = setup();
		expect(readModelsOfRun(exp, models, A)).toEqual({ models: [expect.objectContaining({ modelId: M1 })], unknown: [M9] });
		expect(readModelsOfRun(exp, models, B).models.map((m) => m.modelId)).toEqual([M2]);
		expect(readModelsOfRun(exp, models, C)).toEqual({ models: [], unknown: [] });
	});
});
