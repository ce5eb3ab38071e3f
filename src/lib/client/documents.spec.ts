import { describe, expect, it } from 'vitest';
import { isSharedDocument, readRelayUrl, readRoomPath, shareAcrossTabs } from './documents';

describe('documents', () => {
	it('shares only small, user-edited documents across tabs', () => {
		const run = 'a'.repeat(32);
		expect(['workspace', 'registry', `run/${run}`, 'exp/123/comments', 'registry/comments'].map(shareAcrossTabs)).toEqual([true, true, true, true, true]);
		expect(['exp/123', 'exp/123/live', `series/${run}/loss`, 'bogus'].map(shareAcrossTabs)).toEqual([false, false, false, false]);
	});

	it('counts registry comments among the shared documents (a refusal leaves the page as it is)', () => {
		expect(['workspace', 'registry', 'registry/comments'].map(isSharedDocument)).toEqual([true, true, true]);
		expect(['exp/123', 'exp/123/comments'].map(isSharedDocument)).toEqual([false, false]);
	});

	it('derives the relay URL and room paths', () => {
		expect(readRelayUrl({ protocol: 'https:', host: 'h:1' })).toBe('wss://h:1/sync');
		expect(readRoomPath('series/r/val loss')).toBe('series/r/val%20loss');
	});
});
