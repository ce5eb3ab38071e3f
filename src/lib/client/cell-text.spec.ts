import { describe, expect, it } from 'vitest';
import type { RunRow } from '../core/run-row';
import { formatCellText, formatCellTitle, formatWhen } from './cell-text';

const NOW = Date.UTC(2024, 4, 10, 12);
const run: RunRow = {
	run_id: 'f'.repeat(32),
	experiment_id: '1',
	name: 'r',
	status: 'FAILED',
	lifecycle: 'active',
	user: 'ann',
	start_time: NOW - 5 * 60_000,
	end_time: null,
	artifact_uri: '',
	params: { lr: '0.01', wd: '0.30000000000000004' },
	tags: {},
	metrics: { loss: { last: 0.123456789, min: NaN, max: Infinity, count: 2, step: 1, timestamp: 0 } }
};

describe('formatCellText', () => {
	it('formats each kind of column', () => {
		expect(formatCellText(run, { kind: 'param', key: 'lr' }, NOW)).toBe('0.01');
		expect(formatCellText(run, { kind: 'tag', key: 'team' }, NOW)).toBe('');
		expect(formatCellText(run, { kind: 'metric', key: 'loss', agg: 'last' }, NOW)).toBe('0.12346');
		expect(formatCellText(run, { kind: 'metric', key: 'loss', agg: 'min' }, NOW)).toBe('NaN');
		expect(formatCellText(run, { kind: 'metric', key: 'loss', agg: 'max' }, NOW)).toBe('∞');
		expect(formatCellText(run, { kind: 'attr', key: 'status' }, NOW)).toBe('failed');
		expect(formatCellText(run, { kind: 'attr', key: 'start' }, NOW)).toBe('5 min ago');
		expect(formatCellText(run, { kind: 'attr', key: 'end' }, NOW)).toBe('');
		expect(formatCellText(run, { kind: 'attr', key: 'duration' }, NOW)).toBe('5 min 0 s');
		expect(formatCellText({ ...run, end_time: run.start_time + 1500 }, { kind: 'attr', key: 'duration' }, NOW)).toBe('2 s');
	});
	it('shows float noise in params only in the tooltip, which holds the full value', () => {
		expect(formatCellText(run, { kind: 'param', key: 'wd' }, NOW)).toBe('0.3');
		expect(formatCellTitle(run, { kind: 'param', key: 'wd' }, NOW)).toBe('0.30000000000000004');
		expect(formatCellTitle(run, { kind: 'metric', key: 'loss', agg: 'last' }, NOW)).toBe('0.123456789');
		expect(formatCellTitle(run, { kind: 'attr', key: 'start' }, NOW)).toBeUndefined();
		expect(formatCellTitle(run, { kind: 'tag', key: 'team' }, NOW)).toBeUndefined();
	});
	it('shows dates older than a day as dates', () => {
		const old = NOW - 3 * 86_400_000;
		expect(formatWhen(old, NOW)).toBe(new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' }).format(old));
		expect(formatWhen(0, NOW)).toBe('');
	});
});
