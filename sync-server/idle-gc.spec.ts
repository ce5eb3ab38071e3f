import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectWhenIdle, readGc } from './idle-gc';

function fakeRelay() {
	let onUnload: (() => void) | null = null;
	const relay = {
		sockets: 0,
		on: (_event: string, fn: () => void) => ((onUnload = fn), () => (onUnload = null)),
		stats: () => ({ rooms: 0, sockets: relay.sockets }),
		unload: () => onUnload?.()
	};
	return relay;
}

describe('collectWhenIdle', () => {
	beforeEach(() => void vi.useFakeTimers());
	afterEach(() => void vi.useRealTimers());

	it('collects once after a burst of unloads with no socket open, at most once per gap, never while connected', () => {
		const relay = fakeRelay();
		const gc = vi.fn();
		const stop = collectWhenIdle(relay, { gc, delayMs: 2000, minGapMs: 30_000 });
		for (let i = 0; i < 20; i++) relay.unload();
		vi.advanceTimersByTime(1999);
		expect(gc).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(gc).toHaveBeenCalledTimes(1);

		relay.unload();
		vi.advanceTimersByTime(2000);
		expect(gc).toHaveBeenCalledTimes(1); // within the gap: deferred to its end
		vi.advanceTimersByTime(28_000);
		expect(gc).toHaveBeenCalledTimes(2);

		relay.sockets = 1;
		relay.unload();
		vi.advanceTimersByTime(60_000);
		expect(gc).toHaveBeenCalledTimes(2);
		relay.sockets = 0;
		relay.unload();
		relay.sockets = 1; // someone connected before it ran
		vi.advanceTimersByTime(60_000);
		expect(gc).toHaveBeenCalledTimes(2);
		stop();
	});

	it('finds V8 full collection without --expose-gc', () => {
		const gc = readGc();
		expect(typeof gc).toBe('function');
		expect(() => gc!()).not.toThrow();
	});
});
