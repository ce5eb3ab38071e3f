import { describe, expect, it } from 'vitest';
import { readExperimentStats } from './experiment-stats';

describe('readExperimentStats', () => {
	it('reads each experiment’s counts and last activity by id', () => {
		const body = {
			experiments: [
				{ experiment_id: '0', name: 'Default', run_count: 2, running_count: 1, last_activity: 900 },
				{ experiment_id: '12', name: 'empty', run_count: 0, running_count: 0, last_activity: 0 }
			]
		};
		expect(readExperimentStats(body, 7)).toEqual({
			'0': { runs: 2, running: 1, lastActivity: 900, readAt: 7 },
			'12': { runs: 0, running: 0, lastActivity: 0, readAt: 7 }
		});
	});
	it('leaves out what it cannot read rather than failing', () => {
		expect(readExperimentStats({ experiments: 'x' }, 1)).toEqual({});
		expect(readExperimentStats(null, 1)).toEqual({});
		const body = { experiments: [null, 3, { experiment_id: '1' }, { experiment_id: '2', run_count: -1 }, { experiment_id: '3', run_count: 4, last_activity: 'soon' }] };
		expect(readExperimentStats(body, 1)).toEqual({ '3': { runs: 4, running: 0, lastActivity: 0, readAt: 1 } });
	});
});
