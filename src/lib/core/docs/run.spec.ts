// The run document is client-writable: its readers skip what a peer may have written wrong.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_SERIES_PARTS, hasSeries, readArtifacts, readRunExperiment, readSeriesDirectory, readSeriesPartCount, setRunExperiment, setSeriesParts } from './run';

const sha = 'ab'.repeat(32);

describe('run document readers', () => {
	it('read part counts only as whole numbers in 1 … MAX_SERIES_PARTS, under metric keys', () => {
		const run = new Y.Doc();
		const series = run.getMap('series');
		const hostile: Record<string, unknown> = { huge: 1e6, inf: Infinity, frac: 2.5, neg: -1, nan: NaN, text: '3', zero: 0, max: MAX_SERIES_PARTS + 1 };
		for (const [k, v] of Object.entries(hostile)) series.set(k, v);
		series.set('ok', 3);
		series.set('top', MAX_SERIES_PARTS);
		series.set('bad@key', 1);
		expect([...readSeriesDirectory(run)]).toEqual([
			['ok', 3],
			['top', MAX_SERIES_PARTS]
		]);
		expect(readSeriesPartCount(2)).toBe(2);
		expect(readSeriesPartCount('2')).toBeNull();
		expect(hasSeries(run, 'huge')).toBe(true);
		expect(hasSeries(run, 'bad@key')).toBe(false);
		expect(hasSeries(run, 'never')).toBe(false);
	});

	it('setSeriesParts never lowers a valid count and replaces an invalid one', () => {
		const run = new Y.Doc();
		setSeriesParts(run, 'a', 3);
		setSeriesParts(run, 'a', 2);
		expect(readSeriesDirectory(run).get('a')).toBe(3);
		run.getMap('series').set('a', 1e6);
		setSeriesParts(run, 'a', 2);
		expect(readSeriesDirectory(run).get('a')).toBe(2);
	});

	it('reads the experiment id only when it is one', () => {
		const run = new Y.Doc();
		setRunExperiment(run, '12');
		expect(readRunExperiment(run)).toBe('12');
		for (const bad of ['nope', '../x', 42, null, '']) {
			run.getMap('meta').set('experimentId', bad);
			expect(readRunExperiment(run)).toBeNull();
		}
	});

	it('reads artifact entries with a hex sha256, a whole size and a canonical path', () => {
		const run = new Y.Doc();
		const m = run.getMap('artifacts');
		m.set('good.txt', { sha256: sha, size: 3, type: 'text/plain', mtime: 5 });
		m.set('typeless.bin', { sha256: sha, size: 3, type: 7, mtime: 'x' });
		m.set('../escape', { sha256: sha, size: 3, type: 't', mtime: 0 });
		m.set('a//b', { sha256: sha, size: 3, type: 't', mtime: 0 });
		m.set('neg', { sha256: sha, size: -1, type: 't', mtime: 0 });
		m.set('big', { sha256: sha, size: 1e300, type: 't', mtime: 0 });
		m.set('notsha', { sha256: 'x', size: 1, type: 't', mtime: 0 });
		m.set('str', 'nope');
		expect(Object.fromEntries(readArtifacts(run))).toEqual({
			'good.txt': { sha256: sha, size: 3, type: 'text/plain', mtime: 5 },
			'typeless.bin': { sha256: sha, size: 3, type: '', mtime: 0 }
		});
	});
});
