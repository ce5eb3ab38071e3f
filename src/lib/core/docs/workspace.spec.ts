// Experiment names are unique: two peers creating the same name offline settle identically on every peer.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createExperiment, findExperimentByName, readExperiments, updateExperiment } from './workspace';

function merge(a: Y.Doc, b: Y.Doc) {
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
}

describe('workspace experiments', () => {
	it('settles a name created on two offline peers: the earliest keeps it, the other reads as "name (id)"', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		createExperiment(a, { experimentId: '222', name: 'mnist', artifactLocation: '', now: 2000 });
		createExperiment(b, { experimentId: '111', name: 'mnist', artifactLocation: '', now: 1000 });
		merge(a, b);
		const names = (d: Y.Doc) => readExperiments(d).map((e) => [e.experiment_id, e.name]);
		expect(names(a)).toEqual([
			['111', 'mnist'],
			['222', 'mnist (222)']
		]);
		expect(names(b)).toEqual(names(a));
		expect(findExperimentByName(a, 'mnist')?.experiment_id).toBe('111');
	});

	it('breaks a creation-time tie by id, and prefers an active experiment when looking up a name', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		createExperiment(a, { experimentId: '9', name: 'x', artifactLocation: '', now: 5 });
		createExperiment(b, { experimentId: '10', name: 'x', artifactLocation: '', now: 5 });
		merge(a, b);
		expect(readExperiments(a).find((e) => e.name === 'x')?.experiment_id).toBe('10');
		updateExperiment(a, '10', { lifecycle: 'deleted', now: 6 });
		expect(readExperiments(a).map((e) => e.name)).toEqual(['x', 'x (9)']);
		expect(findExperimentByName(a, 'x')?.lifecycle).toBe('deleted');
	});
});
