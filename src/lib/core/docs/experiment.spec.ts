import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { KEYS, RUN_FIELDS } from '../schema';
import { createRun, findParamConflicts, readRun, setRunColor, updateRun } from './experiment';
import { readRunTableRows } from './run-table-read';

const RUN = 'a'.repeat(32);
const base = { runId: RUN, experimentId: '1', name: 'r', user: 'u', startTime: 1, status: 'RUNNING' as const, artifactUri: 'x' };

describe('experiment document params', () => {
	it('stores a run’s params as one value, extends it with new keys only, and reports changed values', () => {
		const exp = new Y.Doc();
		createRun(exp, { ...base, params: { lr: '0.1', opt: 'adam' } });
		const header = exp.getMap(KEYS.experiment.runs).get(RUN) as Y.Map<unknown>;
		expect(header.get(RUN_FIELDS.params)).toEqual({ lr: '0.1', opt: 'adam' });
		updateRun(exp, RUN, { params: { lr: '0.5', epochs: '3' } });
		expect(readRun(exp, '1', RUN)!.params).toEqual({ lr: '0.1', opt: 'adam', epochs: '3' });
		expect(findParamConflicts(exp, RUN, { lr: '0.5', opt: 'adam', new: '1' })).toEqual(['lr']);
		expect(readRunTableRows(exp, null, '1')[0].params).toEqual({ lr: '0.1', opt: 'adam', epochs: '3' });
	});

	it('reads and extends documents written with params as a nested Y.Map', () => {
		const exp = new Y.Doc();
		createRun(exp, base);
		const header = exp.getMap(KEYS.experiment.runs).get(RUN) as Y.Map<unknown>;
		const legacy = new Y.Map<string>();
		header.set(RUN_FIELDS.params, legacy);
		legacy.set('lr', '0.1');
		updateRun(exp, RUN, { params: { lr: '9', seed: '7' } });
		expect(header.get(RUN_FIELDS.params)).toBe(legacy);
		expect(readRun(exp, '1', RUN)!.params).toEqual({ lr: '0.1', seed: '7' });
		expect(readRunTableRows(exp, null, '1')[0].params).toEqual({ lr: '0.1', seed: '7' });
		expect(findParamConflicts(exp, RUN, { lr: '9' })).toEqual(['lr']);
	});

	it('skips non-string values a peer may have written, and a run without params has none', () => {
		const exp = new Y.Doc();
		createRun(exp, base);
		expect(readRun(exp, '1', RUN)!.params).toEqual({});
		const header = exp.getMap(KEYS.experiment.runs).get(RUN) as Y.Map<unknown>;
		header.set(RUN_FIELDS.params, { ok: 'yes', bad: 3 });
		expect(readRun(exp, '1', RUN)!.params).toEqual({ ok: 'yes' });
		expect(readRunTableRows(exp, null, '1')[0].params).toEqual({ ok: 'yes' });
	});
});

describe('run colours in the experiment document', () => {
	it('keeps a picked colour in the run header, read by both row readers, and clears it back to the default', () => {
		const exp = new Y.Doc();
		createRun(exp, base);
		expect(readRun(exp, '1', RUN)!.color).toBeUndefined();
		expect(setRunColor(exp, RUN, '#aa0011')).toBe(true);
		expect(readRun(exp, '1', RUN)!.color).toBe('#aa0011');
		expect(readRunTableRows(exp, null, '1')[0].color).toBe('#aa0011');
		expect(setRunColor(exp, RUN, 'red')).toBe(false);
		expect(setRunColor(exp, 'b'.repeat(32), '#000000')).toBe(false);
		setRunColor(exp, RUN, null);
		expect(readRunTableRows(exp, null, '1')[0].color).toBeUndefined();
	});
});
