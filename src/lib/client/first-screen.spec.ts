import { beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../core/run-row';
import { FIRST_SCREEN_ROWS, readFirstScreen, readFirstScreenView, saveFirstScreen } from './first-screen';

/** A Storage over a Map (Node has no localStorage). */
function installStorage(): Map<string, string> {
	const data = new Map<string, string>();
	(globalThis as { localStorage?: unknown }).localStorage = {
		getItem: (k: string) => data.get(k) ?? null,
		setItem: (k: string, v: string) => void data.set(k, String(v)),
		removeItem: (k: string) => void data.delete(k)
	};
	return data;
}

const row = (i: number): RunRow => ({
	run_id: i.toString(16).padStart(32, '0'),
	experiment_id: '1',
	name: `run-${i}`,
	status: 'FINISHED',
	lifecycle: 'active',
	user: 'u',
	start_time: i,
	end_time: i + 1,
	artifact_uri: 'x',
	params: { lr: '0.1' },
	tags: { team: 'a' },
	metrics: { loss: { last: NaN, min: -Infinity, max: 2, count: 3, step: 2, timestamp: 9 } }
});

describe('first screen', () => {
	let data: Map<string, string>;
	beforeEach(() => (data = installStorage()));

	it('keys a snapshot by the view that orders the rows, and not for grouped views', () => {
		expect(readFirstScreenView('?q=x&sort=-name&cols=a,b')).toBe(readFirstScreenView('?sort=-name&q=x'));
		expect(readFirstScreenView('?q=x')).not.toBe(readFirstScreenView('?q=y'));
		expect(readFirstScreenView('?group=params.lr')).toBeNull();
	});

	it('round-trips the top rows of a view, non-finite metrics included', () => {
		const view = readFirstScreenView('?sort=name');
		saveFirstScreen('1', view, Array.from({ length: 100 }, (_, i) => row(i)), 100, 5);
		const back = readFirstScreen('1', view)!;
		expect(back.rows).toHaveLength(FIRST_SCREEN_ROWS);
		expect(back.total).toBe(100);
		expect(back.savedAt).toBe(5);
		expect(back.rows[3].name).toBe('run-3');
		expect(back.rows[0].metrics.loss.last).toBeNaN();
		expect(back.rows[0].metrics.loss.min).toBe(-Infinity);
		expect(readFirstScreen('1', readFirstScreenView('?sort=-name'))).toBeNull();
		expect(readFirstScreen('2', view)).toBeNull();
	});

	it('forgets the least recently saved experiments past ten, and survives damaged entries', () => {
		const view = readFirstScreenView('');
		for (let e = 0; e < 12; e++) saveFirstScreen(String(e), view, [row(e)], 1);
		expect(readFirstScreen('0', view)).toBeNull();
		expect(readFirstScreen('1', view)).toBeNull();
		expect(readFirstScreen('11', view)?.rows[0].name).toBe('run-11');
		data.set('tandem:first-screen:11', '{not json');
		expect(readFirstScreen('11', view)).toBeNull();
		data.set('tandem:first-screen:11', JSON.stringify({ view, rows: [{ run_id: 3 }], total: 1 }));
		expect(readFirstScreen('11', view)).toBeNull();
	});
});
