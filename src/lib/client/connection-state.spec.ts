// Tests of how provider events fold into the connection badge's state.
import { describe, expect, it } from 'vitest';
import { createProviderState, readConnection, readProviderConnection, type ProviderState } from './connection-state';

const state = (patch: Partial<ProviderState>): ProviderState => ({ ...createProviderState(), ...patch });

describe('readProviderConnection', () => {
	it('is syncing on the first attempt and while connected but not yet synced', () => {
		expect(readProviderConnection(createProviderState())).toBe('syncing');
		expect(readProviderConnection(state({ status: 'connected' }))).toBe('syncing');
	});
	it('is connected once connected and synced', () => {
		expect(readProviderConnection(state({ status: 'connected', synced: true }))).toBe('connected');
	});
	it('is offline when disconnected or retrying after a failure', () => {
		expect(readProviderConnection(state({ status: 'disconnected' }))).toBe('offline');
		expect(readProviderConnection(state({ status: 'connecting', failed: true }))).toBe('offline');
	});
});

describe('readConnection', () => {
	it('is the worst of all providers', () => {
		const ok = state({ status: 'connected', synced: true });
		expect(readConnection([ok, ok])).toBe('connected');
		expect(readConnection([ok, state({ status: 'connected' })])).toBe('syncing');
		expect(readConnection([ok, state({ failed: true }), state({ status: 'connected' })])).toBe('offline');
	});
	it('is syncing before any provider exists', () => {
		expect(readConnection([])).toBe('syncing');
	});
});
