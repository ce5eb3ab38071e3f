// Unit tests of the experiments list's search (name, description, tags; words and phrases) and of reading an
// experiment's description and user tags.
import { describe, expect, it } from 'vitest';
import type { Experiment } from './docs/workspace';
import { parseExperimentQuery, readExperimentDescription, readUserTags, searchExperiments } from './experiment-search';

const experiment = (id: string, name: string, tags: Record<string, string> = {}): Experiment => ({
	experiment_id: id,
	name,
	lifecycle: 'active',
	creation_time: 0,
	last_update_time: 0,
	artifact_location: `mlflow-artifacts:/${id}`,
	tags
});

const list = [
	experiment('1', 'mnist-cnn', { 'mlflow.note.content': 'Baseline **CNN** on MNIST', team: 'vision' }),
	experiment('2', 'bert-finetune', { team: 'nlp', dataset: 'glue/sst2' }),
	experiment('3', 'Vision Transformer', { 'mlflow.note.content': 'ViT sweep over patch sizes' })
];
const ids = (q: string) => searchExperiments(list, q).map((e) => e.experiment_id);

describe('searchExperiments', () => {
	it('matches the name, the description and tags, case-insensitively', () => {
		expect(ids('MNIST')).toEqual(['1']);
		expect(ids('patch sizes')).toEqual(['3']);
		expect(ids('vision')).toEqual(['1', '3']);
		expect(ids('team=nlp')).toEqual(['2']);
		expect(ids('glue')).toEqual(['2']);
		expect(ids('  ')).toEqual(['1', '2', '3']);
	});

	it('needs every word, and a quoted phrase as written', () => {
		expect(ids('vision sweep')).toEqual(['3']);
		expect(ids('"patch sizes"')).toEqual(['3']);
		expect(ids('"sizes patch"')).toEqual([]);
		expect(parseExperimentQuery('A "b c" "d')).toEqual(['a', 'b c', 'd']);
	});

	it('does not match the description tag’s key', () => {
		expect(ids('note.content')).toEqual([]);
	});

	it('searches 1,000 experiments fast', () => {
		const many = Array.from({ length: 1000 }, (_, i) => experiment(String(i + 10), `exp-${i}`, { 'mlflow.note.content': `run ${i} of the sweep`, team: i % 2 ? 'a' : 'b' }));
		searchExperiments(many, 'warm');
		const start = performance.now();
		for (let i = 0; i < 20; i++) searchExperiments(many, `sweep team=a ${i}`);
		expect((performance.now() - start) / 20).toBeLessThan(5);
		expect(searchExperiments(many, 'exp-99 team=a').map((e) => e.name)).toEqual(['exp-99', 'exp-991', 'exp-993', 'exp-995', 'exp-997', 'exp-999']);
	});
});

describe('description and user tags', () => {
	it('reads the description tag, none when empty, and the tags users set', () => {
		expect(readExperimentDescription(list[0])).toBe('Baseline **CNN** on MNIST');
		expect(readExperimentDescription(experiment('9', 'x', { 'mlflow.note.content': '' }))).toBeNull();
		expect(readUserTags(experiment('9', 'x', { z: '1', 'mlflow.note.content': 'd', a: '2' }))).toEqual([
			['a', '2'],
			['z', '1']
		]);
	});
});
