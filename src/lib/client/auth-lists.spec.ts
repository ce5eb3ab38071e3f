import { describe, expect, it } from 'vitest';
import { readListedExperiments, readModelRowJson } from './auth-lists';

describe('lists read over HTTP', () => {
	it('reads listed experiments newest first, skipping malformed entries', () => {
		const body = {
			experiments: [
				{ experiment_id: '0', name: 'Default', lifecycle: 'active', creation_time: 1, last_update_time: 2, artifact_location: 'a', tags: { t: 'v', n: 3 }, run_count: 4 },
				{ experiment_id: '7', name: 'newer', lifecycle: 'deleted', creation_time: 5 },
				{ experiment_id: 8 },
				null
			]
		};
		expect(readListedExperiments(body)).toEqual([
			{ experiment_id: '7', name: 'newer', lifecycle: 'deleted', creation_time: 5, last_update_time: 5, artifact_location: '', tags: {} },
			{ experiment_id: '0', name: 'Default', lifecycle: 'active', creation_time: 1, last_update_time: 2, artifact_location: 'a', tags: { t: 'v' } }
		]);
		expect(readListedExperiments({ nope: 1 })).toEqual([]);
	});

	it('reads a registered model as a models-table row', () => {
		const row = readModelRowJson({
			name: 'fraud',
			creation_timestamp: 10,
			last_updated_timestamp: 20,
			description: '\nFirst line\nsecond',
			latest_versions: [
				{ version: '3', current_stage: 'Production' },
				{ version: '4', current_stage: 'None' },
				{ version: 'x', current_stage: 'None' }
			],
			tags: [{ key: 'a', value: 'b' }],
			aliases: [{ alias: 'champion', version: '3' }]
		});
		expect(row).toEqual({
			id: 'fraud',
			name: 'fraud',
			latestVersion: 4,
			latestByStage: [
				{ stage: 'None', version: 4 },
				{ stage: 'Production', version: 3 }
			],
			aliases: [{ alias: 'champion', version: 3 }],
			lastUpdateTime: 20,
			snippet: 'First line',
			tagCount: 1,
			versionCount: 2
		});
		expect(readModelRowJson({ name: 3 })).toBeNull();
	});
});
