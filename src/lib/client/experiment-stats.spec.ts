import { describe, expect, it } from 'vitest';
import { readExperimentStats } from './experiment-stats';

describe('readExperimentStats', () => {
	it('counts active runs and running ones, and finds the latest start, end or metric time', () => {
		const body = {
			runs: [
				{ status: 'FINISHED', lifecycle: 'active', start_time: 100, end_time: 500, metrics: { loss: { timestamp: 450 } } },
				{ status: 'RUNNING', lifecycle: 'active', start_time: 300, end_time: null, metrics: { loss: { timestamp: 900 }, acc: { timestamp: 'NaN' } } },
				{ status: 'RUNNING', lifecycle: 'deleted', start_time: 5000, end_time: null, metrics: {} }
			]
		};
		expect(readExperimentStats(body, 7)).toEqual({ runs: 2, running: 1, lastActivity: 900, readAt: 7 });
	});
	it('treats a malformed answer as no runs', () => {
		expect(readExperimentStats({ runs: 'x' }, 1)).toEqual({ runs: 0, running: 0, lastActivity: 0, readAt: 1 });
		expect(readExperimentStats(null, 1).runs).toBe(0);
		expect(readExperimentStats({ runs: [null, 3, { lifecycle: 'active' }] }, 1).runs).toBe(1);
	});
});
