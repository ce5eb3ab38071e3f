import { describe, expect, it } from 'vitest';
import type { MetricSummary, RunRow } from '../run-row';
import { compileRunQuery, parseRunQuery, type RunQuery, type RunQueryOptions } from './run-query';
import { createRandom } from '../seeded-random';

function summary(last: number, min = last, max = last, count = 1): MetricSummary {
	return { last, min, max, count, step: count - 1, timestamp: 0 };
}

function createRow(id: string, over: Partial<RunRow> = {}): RunRow {
	return {
		run_id: id,
		experiment_id: '7',
		name: `run-${id}`,
		status: 'FINISHED',
		lifecycle: 'active',
		user: 'ada',
		start_time: Date.UTC(2024, 4, 1),
		end_time: Date.UTC(2024, 4, 1, 2),
		artifact_uri: '',
		params: {},
		tags: {},
		metrics: {},
		...over
	};
}

const rows = [
	createRow('a', { params: { optimizer: 'adam', lr: '1e-3' }, tags: { team: 'vision-core' }, metrics: { loss: summary(0.05, 0.01, 2, 5) } }),
	createRow('b', { params: { optimizer: 'sgd', lr: '0.1' }, tags: { team: 'vision' }, metrics: { loss: summary(0.08) }, status: 'FAILED' }),
	createRow('c', { params: { optimizer: 'rmsprop', lr: '0.01' }, tags: { team: 'nlp' }, metrics: { loss: summary(0.02) } }),
	createRow('d', { params: { optimizer: 'adam' }, tags: { team: 'Vision' }, metrics: { loss: summary(0.5), 'loss.min': summary(7) } }),
	createRow('e', { status: 'RUNNING', end_time: null, user: 'grace', name: 'baseline' })
];

function select(src: string, opts?: RunQueryOptions): string[] {
	const r = parseRunQuery(src);
	if (!r.ok) throw new Error(`${src}: ${r.error}`);
	return rows.filter(compileRunQuery(r.query, opts)).map((x) => x.run_id);
}

function errorOf(src: string): { error: string; at: number } {
	const r = parseRunQuery(src);
	if (r.ok) throw new Error(`expected ${src} to fail, got ${JSON.stringify(r.query)}`);
	return { error: r.error, at: r.at };
}

describe('parseRunQuery + compileRunQuery', () => {
	it('matches everything when empty', () => {
		expect(parseRunQuery('  ')).toEqual({ ok: true, query: { type: 'all' } });
		expect(select('')).toEqual(['a', 'b', 'c', 'd', 'e']);
	});

	it('evaluates the documented example', () => {
		const q = "metrics.loss < 0.1 and (params.optimizer = 'adam' or params.optimizer in ('sgd', 'rmsprop')) and tags.team ~ 'vision.*' and not status = 'FAILED'";
		expect(select(q)).toEqual(['a']);
	});

	it('gives not > and > or precedence, with parentheses and symbol forms', () => {
		expect(select("params.optimizer = 'sgd' or params.optimizer = 'adam' and metrics.loss > 0.1")).toEqual(['b', 'd']);
		expect(select("(params.optimizer = 'sgd' || params.optimizer = 'adam') && metrics.loss > 0.06")).toEqual(['b', 'd']);
		expect(select("NOT params.optimizer = 'adam' AND metrics.loss < 1")).toEqual(['b', 'c']);
		expect(select("!(params.optimizer = 'adam') Or status = 'running'")).toEqual(['b', 'c', 'e']);
		expect(select("not not params.optimizer = 'sgd'")).toEqual(['b']);
	});

	it('compares numerically when both sides spell numbers, else as strings', () => {
		expect(select('params.lr = 0.001')).toEqual(['a']);
		expect(select("params.lr = '0.001'")).toEqual(['a']);
		expect(select('params.lr < 0.05')).toEqual(['a', 'c']);
		expect(select("params.optimizer > 'r'")).toEqual(['b', 'c']);
		expect(select("params.optimizer >= 5")).toEqual(['a', 'b', 'c', 'd']);
		expect(select('params.lr in (0.1, 0.01)')).toEqual(['b', 'c']);
		expect(select("params.optimizer not in ('adam', 1)")).toEqual(['b', 'c']);
	});

	it('never matches a run lacking the key, even with != / not in / !~, unless negated outside', () => {
		expect(select("params.optimizer != 'adam'")).toEqual(['b', 'c']);
		expect(select("params.lr not in ('0.1')")).toEqual(['a', 'c']);
		expect(select("tags.team !~ 'vision'")).toEqual(['c', 'd']);
		expect(select("not (params.optimizer = 'adam')")).toEqual(['b', 'c', 'e']);
		expect(select('metrics.toString > 0')).toEqual([]);
	});

	it('matches regular expressions, case-insensitively with (?i)', () => {
		expect(select("tags.team ~ '^vision'")).toEqual(['a', 'b']);
		expect(select("tags.team ~ '(?i)^vision$'")).toEqual(['b', 'd']);
		expect(select("tags.team ~ 'vision\\-\\w+'")).toEqual(['a']);
		expect(select("metrics.loss ~ '^0\\.0'")).toEqual(['a', 'b', 'c']);
	});

	it('reads metric aggregates, preferring the base metric over a literal dotted key', () => {
		expect(select('metrics.loss.min <= 0.01')).toEqual(['a']);
		expect(select('metrics.loss.max >= 2')).toEqual(['a']);
		expect(select('metrics.loss.last = 0.5')).toEqual(['d']);
		expect(select('metrics.loss.count = 1')).toEqual(['b', 'c', 'd']);
		expect(select('metrics.`loss.min` = 7')).toEqual(['d']);
		const only = [createRow('x', { metrics: { 'acc.max': summary(0.9) } })];
		const r = parseRunQuery('metrics.acc.max > 0.5');
		expect(r.ok && only.filter(compileRunQuery(r.query)).length).toBe(1);
	});

	it('reads attributes with their literal conventions', () => {
		expect(select("status = 'failed'")).toEqual(['b']);
		expect(select("status in ('failed', 'running')")).toEqual(['b', 'e']);
		expect(select("user = 'grace' and name = 'baseline'")).toEqual(['e']);
		expect(select("run_name ~ '^run-[ab]$' and attributes.user_id = 'ada'")).toEqual(['a', 'b']);
		expect(select("run_id in ('c', 'd')")).toEqual(['c', 'd']);
		expect(select("experiment_id = '7' and lifecycle = 'active'").length).toBe(5);
		expect(select("start_time >= '2024-05-01' and start_time < '2024-05-02T00:00Z'").length).toBe(5);
		expect(select("end_time > '2024-05-01T01:00Z'")).toEqual(['a', 'b', 'c', 'd']);
	});

	it('computes duration from end and start, and for running runs only when given now', () => {
		expect(select("duration = '2h'")).toEqual(['a', 'b', 'c', 'd']);
		expect(select('duration >= 7200000')).toEqual(['a', 'b', 'c', 'd']);
		expect(select("duration < '90m'")).toEqual([]);
		expect(select("duration < '90m'", { now: Date.UTC(2024, 4, 1, 1) })).toEqual(['e']);
	});

	it('accepts keys with dots, dashes, slashes and backticks', () => {
		const r = [createRow('k', { tags: { 'mlflow.runName': 'x' }, params: { 'train/batch-size': '32', 'a b': 'y' } })];
		for (const q of ["tags.mlflow.runName = 'x'", 'params.train/batch-size = 32', "params.`a b` = 'y'", "tags.mlflow.`runName` == 'x'"]) {
			const p = parseRunQuery(q);
			expect(p.ok && r.filter(compileRunQuery(p.query)).length, q).toBe(1);
		}
	});
});

describe('parseRunQuery errors point at a column', () => {
	it('reports a missing value', () => {
		expect(errorOf('metrics.loss <= and x')).toEqual({ error: "expected a value after '<=' at column 17, found 'and'", at: 16 });
		expect(errorOf('metrics.loss <')).toEqual({ error: "expected a value after '<' at column 15, found the end of the query", at: 14 });
		expect(errorOf('params.opt = adam')).toEqual({ error: "expected a value after '=' at column 14; quote text, e.g. 'adam'", at: 13 });
	});

	it('reports unknown fields and missing comparisons', () => {
		expect(errorOf('loss < 1').error).toMatch(/^unknown field 'loss' at column 1: use params.<key>, metrics.<key>, tags.<key> or one of name, status/);
		expect(errorOf('foo.bar = 1').error).toMatch(/^unknown field 'foo.bar' at column 1/);
		expect(errorOf('attributes.loss = 1').error).toMatch(/^unknown field 'attributes.loss'/);
		expect(errorOf('params = 1')).toEqual({ error: "expected a key after 'params.' at column 7", at: 0 });
		expect(errorOf("params.a 'x'")).toEqual({ error: "expected a comparison (=, !=, <, <=, >, >=, ~, !~, in) after 'params.a' at column 10, found ''x''", at: 9 });
		expect(errorOf("= 'x'")).toEqual({ error: "expected a field such as metrics.loss, params.lr, tags.team or status at column 1, found '='", at: 0 });
	});

	it('reports unbalanced parentheses and trailing tokens', () => {
		expect(errorOf("(status = 'x'")).toEqual({ error: "expected ')' to close the '(' at column 1, at column 14, found the end of the query", at: 13 });
		expect(errorOf("status = 'x')")).toEqual({ error: "unexpected ')' at column 13", at: 12 });
		expect(errorOf("status = 'x' status = 'y'")).toEqual({ error: "expected 'and', 'or' or the end of the query at column 14, found 'status'", at: 13 });
		expect(errorOf("status = 'x' and")).toEqual({ error: "expected a field such as metrics.loss, params.lr, tags.team or status at column 17, found the end of the query", at: 16 });
	});

	it('reports lists, strings, characters and regular expressions', () => {
		expect(errorOf("status in 'x'").error).toBe("expected '(' after 'in' at column 11, found ''x''");
		expect(errorOf("status in ('x' 'y')").error).toBe("expected ',' or ')' in the list at column 16, found ''y''");
		expect(errorOf('status in ()').error).toBe("expected a value after '(' at column 12, found ')'");
		expect(errorOf("name = 'abc")).toEqual({ error: 'unterminated string starting at column 8', at: 7 });
		expect(errorOf('name # 1')).toEqual({ error: "unexpected character '#' at column 6", at: 5 });
		expect(errorOf("tags.team ~ 'vis(ion'").error).toMatch(/^invalid regular expression at column 13: missing closing \)/);
	});

	it('keeps doubled quotes and backslashes literal in strings', () => {
		const r = [createRow('q', { params: { note: "it's", path: 'C:\\tmp\\' } })];
		for (const q of ["params.note = 'it''s'", 'params.note = "it\'s"', "params.path = 'C:\\tmp\\'"]) {
			const p = parseRunQuery(q);
			expect(p.ok && r.filter(compileRunQuery(p.query)).length, q).toBe(1);
		}
	});
});


function strip(q: RunQuery): unknown {
	return JSON.parse(JSON.stringify(q, (k, v) => (k === 'at' ? undefined : v)));
}

describe('parseRunQuery round trip (seeded fuzz)', () => {
	it('parses a printed random query back to the same tree', () => {
		const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
		const rand = createRandom(seed);
		const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
		const sp = () => pick([' ', '  ', '\t', ' \n ']);
		const leaf = (): { q: RunQuery; s: string } => {
			const key = pick(['lr', 'opt', 'a.b', 'x-y']);
			const field = pick(['params', 'tags'] as const);
			const value = pick([`'v${Math.floor(rand() * 9)}'`, String(Math.floor(rand() * 100) / 10)]);
			const text = value.startsWith("'") ? value.slice(1, -1) : value;
			const v = { text, number: /^[\d.]+$/.test(text) ? Number(text) : null, at: 0 }; // `at` is stripped before comparing
			const kind = field === 'params' ? 'param' : 'tag';
			const op = pick(['=', '!=', '<', '>=', 'in'] as const);
			if (op === 'in') return { q: { type: 'in', field: { kind, key }, values: [v, v], negated: false }, s: `${field}.${key}${sp()}in${sp()}(${value},${value})` };
			return { q: { type: 'compare', field: { kind, key }, op, value: v }, s: `${field}.${key}${sp()}${op}${sp()}${value}` };
		};
		const tree = (depth: number): { q: RunQuery; s: string } => {
			const r = rand();
			if (depth === 0 || r < 0.3) return leaf();
			if (r < 0.45) {
				const inner = tree(depth - 1);
				return { q: { type: 'not', item: inner.q }, s: `${pick(['not', 'NOT', '!'])}${sp()}(${inner.s})` };
			}
			const type = r < 0.75 ? 'and' : 'or';
			const items = [tree(depth - 1), tree(depth - 1)];
			const word = type === 'and' ? pick(['and', 'AND', '&&']) : pick(['or', 'Or', '||']);
			return { q: { type, items: items.map((x) => x.q) }, s: items.map((x) => `(${x.s})`).join(`${sp()}${word}${sp()}`) };
		};
		for (let n = 0; n < 300; n++) {
			const { q, s } = tree(4);
			const parsed = parseRunQuery(s);
			expect(parsed.ok, `seed ${seed}, query ${s}`).toBe(true);
			if (parsed.ok) expect(strip(parsed.query), `seed ${seed}, query ${s}`).toEqual(strip(q));
		}
	});
});

describe('compileRunQuery on 10,000 rows', () => {
	it('selects exactly the rows built to match', () => {
		const many: RunRow[] = [];
		for (let i = 0; i < 10_000; i++) {
			many.push(
				createRow(i.toString(16).padStart(32, '0'), {
					params: { lr: String(10 ** -(i % 5)), optimizer: ['adam', 'sgd', 'rmsprop'][i % 3] },
					tags: { team: i % 2 ? 'vision-core' : 'nlp' },
					metrics: { loss: summary((i % 100) / 100) },
					status: i % 7 === 0 ? 'FAILED' : 'FINISHED'
				})
			);
		}
		const q = parseRunQuery("metrics.loss < 0.1 and (params.optimizer = 'adam' or params.optimizer in ('sgd', 'rmsprop')) and tags.team ~ 'vision.*' and not status = 'FAILED'");
		if (!q.ok) throw new Error(q.error);
		const got = many.filter(compileRunQuery(q.query)).length;
		const want = many.filter((_, i) => i % 100 < 10 && i % 2 === 1 && i % 7 !== 0).length;
		expect(got).toBe(want);
	});
});
