import { describe, expect, it } from 'vitest';
import type { MetricSummary, RunRow } from '../run-row';
import { compileMlflowFilter, matchesMlflowFilter, parseMlflowFilter, type MlflowClause } from './mlflow-filter';

function metric(last: number): MetricSummary {
	return { last, min: last, max: last, count: 1, step: 0, timestamp: 0 };
}

function createRow(over: Partial<RunRow> = {}): RunRow {
	return {
		run_id: '0123456789abcdef0123456789abcdef',
		experiment_id: '1',
		name: 'bright-fox-42',
		status: 'FINISHED',
		lifecycle: 'active',
		user: 'ada',
		start_time: 1_000,
		end_time: 2_000,
		artifact_uri: 'mlflow-artifacts:/1/0123/artifacts',
		params: {},
		tags: {},
		metrics: {},
		...over
	};
}

function clausesOf(src: string): MlflowClause[] {
	const r = parseMlflowFilter(src);
	if (!r.ok) throw new Error(`expected ${src} to parse: ${r.error}`);
	return r.clauses;
}

function errorOf(src: string): string {
	const r = parseMlflowFilter(src);
	if (r.ok) throw new Error(`expected ${src} to fail, got ${JSON.stringify(r.clauses)}`);
	return r.error;
}

function matches(src: string, row: RunRow): boolean {
	return matchesMlflowFilter(row, clausesOf(src));
}

describe('parseMlflowFilter: the grammar', () => {
	it('reads an empty or blank filter as no clauses, which match every run', () => {
		expect(clausesOf('')).toEqual([]);
		expect(clausesOf('   ')).toEqual([]);
		expect(compileMlflowFilter([])(createRow())).toBe(true);
	});

	it('reads the examples MLflow documents', () => {
		expect(clausesOf("metrics.rmse < 1 and params.model = 'rf'")).toEqual([
			{ type: 'metric', key: 'rmse', comparator: '<', value: 1 },
			{ type: 'parameter', key: 'model', comparator: '=', value: 'rf' }
		]);
		expect(clausesOf("tags.mlflow.runName = 'x'")).toEqual([{ type: 'tag', key: 'mlflow.runName', comparator: '=', value: 'x' }]);
		expect(clausesOf("attributes.status = 'FINISHED'")).toEqual([
			{ type: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' }
		]);
		expect(clausesOf("run_id IN ('a1','b2')")).toEqual([{ type: 'attribute', key: 'run_id', comparator: 'IN', value: ['a1', 'b2'] }]);
		expect(clausesOf("params.lr LIKE '0.0%'")).toEqual([{ type: 'parameter', key: 'lr', comparator: 'LIKE', value: '0.0%' }]);
	});

	it('accepts every entity alias and canonicalises attribute aliases', () => {
		const types = ['metric.a > 1', 'param.a = "x"', 'parameters.a = "x"', 'tag.a = "x"', 'attr.status = "x"', 'run.status = "x"'].map(
			(s) => clausesOf(s)[0].type
		);
		expect(types).toEqual(['metric', 'parameter', 'parameter', 'tag', 'attribute', 'attribute']);
		expect(clausesOf('created > 5')[0]).toEqual({ type: 'attribute', key: 'start_time', comparator: '>', value: 5 });
		expect(clausesOf('attributes.`Run name` = \'x\'')[0]).toMatchObject({ key: 'run_name' });
		expect(clausesOf('"run name" = \'x\'')[0]).toMatchObject({ key: 'run_name' });
		expect(clausesOf("run_name = 'x'")[0]).toMatchObject({ type: 'attribute', key: 'run_name' });
	});

	it('reads quoted keys with special characters and double-quoted values', () => {
		expect(clausesOf('metrics."my-key" >= 0.5')[0]).toEqual({ type: 'metric', key: 'my-key', comparator: '>=', value: 0.5 });
		expect(clausesOf("tags.`my key` != 'v w'")[0]).toEqual({ type: 'tag', key: 'my key', comparator: '!=', value: 'v w' });
		expect(clausesOf('metrics.`a.b` = 1')[0]).toMatchObject({ key: 'a.b' });
		expect(clausesOf('params.optimizer = "adam"')[0]).toMatchObject({ value: 'adam' });
	});

	it('reads keywords case-insensitively and numbers in every form', () => {
		expect(clausesOf("params.a like 'x%' AnD params.b ilike 'y' and run_id not in ('ab')").map((c) => c.comparator)).toEqual([
			'LIKE',
			'ILIKE',
			'NOT IN'
		]);
		expect(clausesOf('metrics.a > -1.5e-3 and metrics.b < .5 and metrics.c = 7.').map((c) => c.value)).toEqual([-1.5e-3, 0.5, 7]);
	});

	it('drops run ids with upper-case letters from IN lists, as MLflow does', () => {
		expect(clausesOf("run_id IN ('abc', 'ABC', 'aB1', '123', 'd4')")[0].value).toEqual(['abc', 'd4']);
	});

	it('parses dataset clauses, which never match a RunRow (it carries no inputs)', () => {
		const c = clausesOf("datasets.name IN ('train') and dataset.digest = 'x'");
		expect(c.map((x) => x.type)).toEqual(['dataset', 'dataset']);
		expect(matchesMlflowFilter(createRow(), c)).toBe(false);
	});
});

describe('parseMlflowFilter: errors', () => {
	it('rejects OR and parentheses like MLflow', () => {
		expect(errorOf("params.a = 'x' or params.b = 'y'")).toMatch(/^Invalid clause\(s\) in filter string: 'or params.b = 'y''/);
		expect(errorOf("(params.a = 'x')")).toMatch(/^Invalid clause\(s\) in filter string/);
		expect(errorOf("params.a = 'x' params.b = 'y'")).toMatch(/^Invalid clause\(s\) in filter string/);
	});

	it('rejects unquoted strings and non-numeric metric values', () => {
		expect(errorOf('params.model = rf')).toBe(
			'Parameter value is either not quoted or unidentified quote types used for string value rf. Use either single or double quotes.'
		);
		expect(errorOf("metrics.loss < 'a'")).toBe("Expected numeric value type for metric. Found 'a'");
		expect(errorOf("start_time > 'yesterday'")).toBe("Expected numeric value type for numeric attribute: start_time. Found 'yesterday'");
		expect(errorOf('params.lr = 0.1')).toBe("Expected a quoted string value for parameter (e.g. 'my-value'). Got value 0.1");
	});

	it('rejects unknown entities, attribute keys and dataset keys', () => {
		expect(errorOf('metricz.a > 1')).toBe("Invalid entity type 'metricz'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']");
		expect(errorOf("attributes.owner = 'x'")).toMatch(/^Invalid attribute key 'owner' specified. Valid keys are '\[.*'run_id'.*\]'$/);
		expect(errorOf("loss = 'x'")).toMatch(/^Invalid attribute key 'loss'/);
		expect(errorOf("datasets.size = 'x'")).toMatch(/^Invalid dataset key 'size'/);
	});

	it('rejects comparators the target does not take', () => {
		expect(errorOf("metrics.a LIKE '1'")).toMatch(/^Expected numeric value type for metric/);
		expect(errorOf('metrics.a LIKE 1')).toMatch(/^Invalid comparator 'LIKE' not one of/);
		expect(errorOf("params.a > 'x'")).toMatch(/^Invalid comparator '>' not one of '\{'=', '!=', 'LIKE', 'ILIKE'\}'/);
		expect(errorOf("tags.a IN ('x')")).toMatch(/^Expected a quoted string value for tag/);
		expect(errorOf("status IN ('FAILED')")).toBe("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
		expect(errorOf("run_id = ('a')")).toMatch(/^Invalid comparator '=' for a list/);
		expect(errorOf("run_id IN 'a'")).toMatch(/IN expects a list/);
		expect(errorOf('start_time LIKE 5')).toMatch(/^Invalid comparator 'LIKE'/);
	});

	it('rejects malformed lists, clauses and characters', () => {
		expect(errorOf('run_id IN ()')).toMatch(/non-empty list of string values, but got empty list/);
		expect(errorOf("run_id IN ('a', 1)")).toMatch(/expected string value, punctuation, or whitespace/);
		expect(errorOf("run_id IN ('a'")).toMatch(/ill-formed list/);
		expect(errorOf('metrics.a >')).toMatch(/expected a value/);
		expect(errorOf('metrics.a')).toMatch(/^Invalid comparison clause 'metrics.a'/);
		expect(errorOf("params.a = 'x'; params.b = 'y'")).toMatch(/^Search filter contained multiple expression/);
		expect(errorOf("params.a = 'x")).toMatch(/unterminated ' quote at position 12/);
		expect(errorOf("params.learning-rate = 'x'")).toMatch(/unexpected '-' at position 16/);
	});
});

describe('matchesMlflowFilter', () => {
	const row = createRow({
		params: { model: 'rf', lr: '0.01', 'a.b': 'dot' },
		tags: { 'mlflow.runName': 'bright-fox-42', team: 'Vision' },
		metrics: { rmse: metric(0.5), nan: metric(NaN), 'my key': metric(3) }
	});

	it('compares metrics by their latest value', () => {
		expect(matches('metrics.rmse < 1', row)).toBe(true);
		expect(matches('metrics.rmse = 0.5', row)).toBe(true);
		expect(matches('metrics.rmse > 0.5', row)).toBe(false);
		expect(matches('metrics.`my key` >= 3', row)).toBe(true);
	});

	it('never matches a metric, param or tag the run lacks, not even with !=', () => {
		expect(matches('metrics.missing != 1', row)).toBe(false);
		expect(matches("params.missing != 'x'", row)).toBe(false);
		expect(matches("tags.missing != 'x'", row)).toBe(false);
		expect(matches('metrics.constructor > 0', row)).toBe(false);
	});

	it('treats NaN metrics with IEEE semantics (only != matches)', () => {
		expect(matches('metrics.nan = 0', row)).toBe(false);
		expect(matches('metrics.nan < 0', row)).toBe(false);
		expect(matches('metrics.nan != 0', row)).toBe(true);
	});

	it('matches params, tags and string attributes exactly and with LIKE / ILIKE', () => {
		expect(matches("params.model = 'rf' and tags.mlflow.runName = 'bright-fox-42'", row)).toBe(true);
		expect(matches("params.`a.b` = 'dot'", row)).toBe(true);
		expect(matches("params.lr LIKE '0.0%'", row)).toBe(true);
		expect(matches("params.lr LIKE '0_01'", row)).toBe(true);
		expect(matches("params.lr LIKE '0.0'", row)).toBe(false);
		expect(matches("tags.team LIKE 'vision'", row)).toBe(false);
		expect(matches("tags.team ILIKE 'vision'", row)).toBe(true);
		expect(matches("tags.team ILIKE '%SIO%'", row)).toBe(true);
		expect(matches("run_name LIKE 'bright-%' and user_id = 'ada' and status != 'FAILED'", row)).toBe(true);
		expect(matches("artifact_uri LIKE 'mlflow-artifacts:/1/%'", row)).toBe(true);
	});

	it('keeps regex metacharacters literal in LIKE patterns', () => {
		const r = createRow({ params: { p: 'a.b(c)*' } });
		expect(matches("params.p LIKE 'a.b(c)*'", r)).toBe(true);
		expect(matches("params.p LIKE 'a.b(c)'", r)).toBe(false);
		expect(matches("params.p LIKE 'axb%'", createRow({ params: { p: 'a.b' } }))).toBe(false);
	});

	it('compares start and end times numerically; a running run has no end_time', () => {
		expect(matches('start_time >= 1000 and end_time <= 2000', row)).toBe(true);
		expect(matches('created > 1000', row)).toBe(false);
		expect(matches('end_time > 0', createRow({ end_time: null, status: 'RUNNING' }))).toBe(false);
	});

	it('matches run_id IN and NOT IN', () => {
		expect(matches(`run_id IN ('${row.run_id}', 'ffff')`, row)).toBe(true);
		expect(matches("run_id IN ('ffff')", row)).toBe(false);
		expect(matches(`run_id NOT IN ('${row.run_id}')`, row)).toBe(false);
		expect(matches("run_id NOT IN ('ffff')", row)).toBe(true);
	});

	it('caches the compiled predicate per clause list and gives the same answers', () => {
		const c = clausesOf("params.model = 'rf'");
		const rows = [row, createRow({ params: { model: 'svm' } }), createRow()];
		expect(rows.map((r) => matchesMlflowFilter(r, c))).toEqual([true, false, false]);
		expect(rows.map(compileMlflowFilter(c))).toEqual([true, false, false]);
	});
});
