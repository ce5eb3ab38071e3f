// The wire shapes of native.ts against the parsers the server runs: every request field a type declares is read by
// its parser (a field renamed on one side only fails here), and every client path lands on the route it names.
import { describe, expect, it } from 'vitest';
import { parseDocBatchRequest, parseDocRequest, type DocRequest } from '../doc-batch';
import { parseCreateExperiment, parseCreateRun, parseEndRun, parseLogBatch } from '../ingest';
import { parseFirstScreenRequest, type FirstScreenRequest } from '../table/row-view';
import { parseOverviewRequest, type OverviewRequest } from '../series/overview-wire';
import {
	nativePaths,
	type CreateExperimentBody,
	type CreateRunBody,
	type DocBatchBody,
	type DocBatchEntry,
	type DocDiffQuery,
	type EndRunBody,
	type EndStatus,
	type FirstScreenQuery,
	type LogBatchBody,
	type NativeRoute,
	type SeriesOverviewBody,
	type SeriesOverviewEntry
} from './native';

/** Per wire field: a value to send, and what of the parsed result it should change. */
type FieldReads<Body, Parsed> = { [K in keyof Required<Body>]: [value: Required<Body>[K], read: (parsed: Parsed) => unknown] };

/** Asserts that sending each field (over `base`) changes what `parse` returns where that field lands. */
function expectEveryFieldRead<Body extends object, Parsed>(parse: (body: Body) => Parsed, base: Body, fields: FieldReads<Body, Parsed>): void {
	for (const [field, [value, read]] of Object.entries(fields) as [string, [unknown, (p: Parsed) => unknown]][]) {
		const without = read(parse(base));
		const withField = read(parse({ ...base, [field]: value }));
		expect(withField, `'${field}' is read`).not.toEqual(without);
	}
}

const NOW = 1_700_000_000_000;

describe('native request shapes are what the server parses', () => {
	it('POST /api/experiments', () => {
		expectEveryFieldRead<CreateExperimentBody, ReturnType<typeof parseCreateExperiment>>(parseCreateExperiment, { name: 'a' }, {
			name: ['b', (c) => c.name],
			tags: [{ team: 'vision' }, (c) => c.tags],
			artifact_location: ['s3://bucket/x', (c) => c.artifactLocation]
		});
	});

	it('POST /api/runs', () => {
		expectEveryFieldRead<CreateRunBody, ReturnType<typeof parseCreateRun>>(parseCreateRun, {}, {
			experiment_id: ['7', (c) => c.experimentId],
			experiment_name: ['mnist', (c) => c.experimentName],
			run_name: ['baseline', (c) => c.runName],
			start_time: [NOW, (c) => c.startTime],
			user: ['ada', (c) => c.user],
			tags: [{ team: 'vision' }, (c) => c.tags],
			params: [{ lr: '0.001' }, (c) => c.params]
		});
	});

	it('POST /api/runs/{run_id}/log, metrics as rows and as columns', () => {
		const parse = (b: LogBatchBody) => parseLogBatch(b, NOW);
		const reads = (metrics: LogBatchBody['metrics'] & object): FieldReads<LogBatchBody, ReturnType<typeof parse>> => ({
			batch_id: ['b1', (c) => c.batchId],
			params: [{ lr: '0.001' }, (c) => c.params],
			tags: [{ phase: 'train' }, (c) => c.tags],
			metrics: [metrics, (c) => [c.metrics, c.pointCount]]
		});
		expectEveryFieldRead(parse, {}, reads([{ key: 'loss', value: 'NaN', step: 2, timestamp: NOW }]));
		expectEveryFieldRead(parse, {}, reads({ loss: { values: [0.5, 'Infinity'], steps: [1, 2], timestamps: [NOW, NOW] } }));
		const { metrics } = parse({ metrics: { loss: { values: [0.5], steps: [3], timestamps: [NOW - 1] } } });
		expect(Array.from(metrics.get('loss')!.steps)).toEqual([3]);
		expect(Array.from(metrics.get('loss')!.timestamps)).toEqual([NOW - 1]);
	});

	it('POST /api/runs/{run_id}/end, with every end status', () => {
		expectEveryFieldRead<EndRunBody, ReturnType<typeof parseEndRun>>(parseEndRun, {}, {
			status: ['KILLED', (c) => c.status],
			end_time: [NOW, (c) => c.endTime]
		});
		const statuses: Record<EndStatus, true> = { FINISHED: true, FAILED: true, KILLED: true };
		for (const status of Object.keys(statuses) as EndStatus[]) expect(parseEndRun({ status } satisfies EndRunBody).status).toBe(status);
		expect(parseEndRun(undefined).status).toBe('FINISHED');
	});

	it('GET /api/experiments/{experiment_id}/first-screen', () => {
		const parse = (q: FirstScreenQuery) => parseFirstScreenRequest(new URLSearchParams({ ...q }));
		expectEveryFieldRead<FirstScreenQuery, FirstScreenRequest>(parse, {}, {
			q: ['params.lr = "0.1"', (r) => [r.view.filter, r.query]],
			sort: ['-metrics.loss', (r) => r.view.sort],
			deleted: ['1', (r) => r.view.showDeleted],
			limit: ['5', (r) => r.limit]
		});
	});

	it('GET /api/docs/{name} and POST /api/docs', () => {
		expectEveryFieldRead<DocDiffQuery, DocRequest>((q) => parseDocRequest('workspace', q.sv), {}, { sv: ['AQID', (d) => d.sv] });
		const parseEntry = (d: DocBatchEntry) => parseDocBatchRequest({ docs: [d] } satisfies DocBatchBody)[0];
		expectEveryFieldRead<DocBatchEntry, DocRequest>(parseEntry, { name: 'workspace' }, { name: ['registry', (d) => d.name], sv: ['AQID', (d) => d.sv] });
	});

	it('POST /api/series/overview', () => {
		const run = 'a'.repeat(32);
		const entry: SeriesOverviewEntry = { run_id: run, key: 'loss' };
		expectEveryFieldRead<SeriesOverviewBody, OverviewRequest>(parseOverviewRequest, { series: [entry], points: 100 }, {
			series: [[{ run_id: run, key: 'acc' }], (r) => r.series],
			points: [200, (r) => r.points]
		});
		const parseEntry = (e: SeriesOverviewEntry) => parseOverviewRequest({ series: [e], points: 100 } satisfies SeriesOverviewBody).series[0];
		expectEveryFieldRead<SeriesOverviewEntry, OverviewRequest['series'][number]>(parseEntry, entry, {
			run_id: ['b'.repeat(32), (e) => e.runId],
			key: ['acc', (e) => e.key]
		});
	});
});

describe('nativePaths', () => {
	/** The route's path as a RegExp: `{name}` is one segment, `{key}` the rest. */
	const patternOf = (route: NativeRoute) =>
		new RegExp(`^${route.slice(route.indexOf(' ') + 1).replace(/\{key\}/g, '.+').replace(/\{\w+\}/g, '[^/?]+')}(\\?.*)?$`);
	const cases: [NativeRoute, string][] = [
		['GET /api/experiments', nativePaths.experiments()],
		['GET /api/experiments/{experiment_id}/runs', nativePaths.experimentRuns('12')],
		['GET /api/experiments/{experiment_id}/first-screen', nativePaths.firstScreen('12', new URLSearchParams({ limit: '60' }))],
		['POST /api/runs', nativePaths.runs()],
		['POST /api/runs/{run_id}/log', nativePaths.runLog('a'.repeat(32))],
		['POST /api/runs/{run_id}/end', nativePaths.runEnd('a'.repeat(32))],
		['POST /api/docs', nativePaths.docs()],
		['POST /api/series/overview', nativePaths.seriesOverview()]
	];
	it.each(cases)('lands on %s', (route, path) => expect(path).toMatch(patternOf(route)));

	it('encodes ids as one path segment and keeps the query', () => {
		expect(nativePaths.experimentRuns('a/b')).toBe('/api/experiments/a%2Fb/runs');
		expect(nativePaths.firstScreen('1', new URLSearchParams({ q: 'a b', limit: '60' }))).toBe('/api/experiments/1/first-screen?q=a+b&limit=60');
	});
});
