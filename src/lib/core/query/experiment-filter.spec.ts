import { describe, expect, it } from 'vitest';
import { compileExperimentFilter, matchesExperimentFilter, parseExperimentFilter, type ExperimentRow } from './experiment-filter';

const rows: ExperimentRow[] = [
	{ experiment_id: '0', name: 'Default', tags: {}, creation_time: 100, last_update_time: 100 },
	{ experiment_id: '1', name: 'vision-resnet', tags: { team: 'vision' }, creation_time: 200, last_update_time: 900 },
	{ experiment_id: '2', name: 'Vision-ViT', tags: { team: 'Vision', 'owner name': 'ada' }, creation_time: 300, last_update_time: 400 }
];

function select(src: string): string[] {
	const r = parseExperimentFilter(src);
	if (!r.ok) throw new Error(r.error);
	return rows.filter(compileExperimentFilter(r.clauses)).map((x) => x.experiment_id);
}

function errorOf(src: string): string {
	const r = parseExperimentFilter(src);
	if (r.ok) throw new Error(`expected ${src} to fail`);
	return r.error;
}

describe('parseExperimentFilter', () => {
	it('matches everything when empty', () => {
		expect(select('')).toEqual(['0', '1', '2']);
	});

	it('filters by name with = != LIKE ILIKE', () => {
		expect(select("name = 'Default'")).toEqual(['0']);
		expect(select("name != 'Default'")).toEqual(['1', '2']);
		expect(select("name LIKE 'vision%'")).toEqual(['1']);
		expect(select("name ILIKE 'vision%'")).toEqual(['1', '2']);
		expect(select("attribute.name = \"Default\"")).toEqual(['0']);
	});

	it('filters by creation_time and last_update_time numerically', () => {
		expect(select('creation_time > 100')).toEqual(['1', '2']);
		expect(select('creation_time >= 200 and last_update_time < 500')).toEqual(['2']);
	});

	it('filters by tags; an experiment lacking the tag never matches', () => {
		expect(select("tags.team = 'vision'")).toEqual(['1']);
		expect(select("tags.team != 'vision'")).toEqual(['2']);
		expect(select("tag.team ILIKE 'VISION'")).toEqual(['1', '2']);
		expect(select("tags.`owner name` = 'ada'")).toEqual(['2']);
	});

	it('rejects what MLflow rejects for experiments', () => {
		expect(errorOf("attributes.name = 'x'")).toBe("Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')");
		expect(errorOf('metrics.a > 1')).toMatch(/^Invalid entity type 'metrics'/);
		expect(errorOf("experiment_id = '1'")).toBe(
			"Invalid attribute key 'experiment_id' specified. Valid keys are '{'name', 'creation_time', 'last_update_time'}'"
		);
		expect(errorOf("name IN ('a')")).toBe("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
		expect(errorOf("creation_time > 'x'")).toMatch(/^Expected numeric value type for numeric attribute: creation_time/);
		expect(errorOf("name > 'x'")).toMatch(/^Invalid comparator '>'/);
		expect(errorOf("name = 'a' or name = 'b'")).toMatch(/^Invalid clause\(s\) in filter string/);
	});

	it('offers a one-shot matcher', () => {
		const r = parseExperimentFilter("name = 'Default'");
		expect(r.ok && matchesExperimentFilter(rows[0], r.clauses)).toBe(true);
		expect(r.ok && matchesExperimentFilter(rows[1], r.clauses)).toBe(false);
	});
});
