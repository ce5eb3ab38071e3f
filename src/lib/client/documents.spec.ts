import { describe, expect, it } from 'vitest';
import { readRelayUrl, readRoomPath, shareAcrossTabs } from './documents';

describe('documents', () => {
	it('shares only small, user-edited documents across tabs', () => {
		const run = 'a'.repeat(32);
		expect(['workspace', 'registry', `run/${run}`].map(shareAcrossTabs)).toEqual([true, true, true]);
		expect(['exp/123', 'exp/123/live', `series/${run}/loss`, 'bogus'].map(shareAcrossTabs)).toEqual([false, false, false, false]);
	});

	it('derives the relay URL and room paths', () => {
		expect(readRelayUrl({ protocol: 'https:', host: 'h:1' })).toBe('wss://h:1/sync');
		expect(readRoomPath('series/r/val loss')).toBe('series/r/val%20loss');
	});
});
