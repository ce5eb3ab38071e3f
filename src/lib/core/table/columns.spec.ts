import { describe, expect, it } from 'vitest';
import { formatColumnId, parseColumnId, readCellValue } from './columns';
import { createTestRow as row } from './row-fixture';

const summary = (last: number, min: number, max: number) => ({ last, min, max, count: 3, step: 2, timestamp: 5 });

describe('column ids', () => {
	it('round-trip attributes, params, tags and metric aggregates, keys with dots and spaces included', () => {
		for (const id of ['name', 'duration', 'params.lr', 'params.optim.beta 1', 'tags.team', 'metrics.loss', 'metrics.val/loss.x@min', 'metrics.acc@max']) {
			const spec = parseColumnId(id);
			expect(spec, id).not.toBeNull();
			expect(formatColumnId(spec!)).toBe(id);
		}
		expect(parseColumnId('metrics.loss@min')).toEqual({ kind: 'metric', key: 'loss', agg: 'min' });
		expect(parseColumnId('params.a.b')).toEqual({ kind: 'param', key: 'a.b' });
	});

	it('rejects anything else', () => {
		for (const id of ['', 'bogus', 'params.', 'metrics.loss@avg', 'metrics.@min', 'foo.bar', 'params.../x', 'tags.a,b']) {
			expect(parseColumnId(id), id).toBeNull();
		}
	});
});

describe('cell values', () => {
	const r = row({ start_time: 1_000, end_time: 61_000, params: { lr: '0.1' }, tags: { team: 'vision' }, metrics: { loss: summary(0.2, 0.1, 0.9) } });
	it('read params, tags, metric aggregates and durations (running runs use now)', () => {
		expect(readCellValue(r, { kind: 'param', key: 'lr' }, 0)).toBe('0.1');
		expect(readCellValue(r, { kind: 'tag', key: 'team' }, 0)).toBe('vision');
		expect(readCellValue(r, { kind: 'metric', key: 'loss', agg: 'last' }, 0)).toBe(0.2);
		expect(readCellValue(r, { kind: 'metric', key: 'loss', agg: 'min' }, 0)).toBe(0.1);
		expect(readCellValue(r, { kind: 'metric', key: 'loss', agg: 'max' }, 0)).toBe(0.9);
		expect(readCellValue(r, { kind: 'attr', key: 'duration' }, 0)).toBe(60_000);
		expect(readCellValue(row({ start_time: 1_000, end_time: null }), { kind: 'attr', key: 'duration' }, 11_000)).toBe(10_000);
	});
	it('are undefined when missing, including inherited object keys', () => {
		expect(readCellValue(r, { kind: 'param', key: 'toString' }, 0)).toBeUndefined();
		expect(readCellValue(r, { kind: 'metric', key: 'acc', agg: 'last' }, 0)).toBeUndefined();
		expect(readCellValue(row({ user: '' }), { kind: 'attr', key: 'user' }, 0)).toBeUndefined();
	});
});
