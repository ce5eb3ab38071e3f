import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from './origin-policy';
import { createRateLimiter } from './rate-limit';

describe('origin policy', () => {
	const local = createOriginPolicy({ bindHost: '127.0.0.1' });
	it('serves loopback names only, whatever the port', () => {
		for (const h of ['127.0.0.1:5000', 'localhost:5000', '[::1]:80', 'tandem.localhost']) expect(local.check({ host: h }, true)).toBeNull();
		expect(local.check({ host: 'evil.example:5000' }, true)).toMatch(/not served/);
		expect(local.check({}, true)).toMatch(/not served/);
	});
	it('admits its own origin and listed ones; refuses others, null and cross-site API fetches', () => {
		const p = createOriginPolicy({ bindHost: '0.0.0.0', allowedHosts: ['tandem.corp'], allowedOrigins: ['https://nb.corp'] });
		expect(p.check({ host: 'tandem.corp', origin: 'http://tandem.corp' }, true)).toBeNull();
		expect(p.check({ host: 'tandem.corp', origin: 'https://nb.corp' }, true)).toBeNull();
		expect(p.check({ host: 'tandem.corp', origin: 'http://evil.example' }, true)).toMatch(/evil/);
		expect(p.check({ host: 'tandem.corp', origin: 'null' }, true)).toMatch(/null/);
		expect(p.check({ host: 'tandem.corp', 'sec-fetch-site': 'cross-site' }, true)).toMatch(/Cross-site/);
		expect(p.check({ host: 'tandem.corp', 'sec-fetch-site': 'cross-site' }, false)).toBeNull();
		expect(p.check({ host: 'other.corp' }, false)).toMatch(/not served/);
	});
});

describe('rate limiter', () => {
	it('lets a burst through, then refills at the rate and says how long to wait', () => {
		let t = 0;
		const limiter = createRateLimiter({ perSecond: 10, burst: 3, now: () => t });
		expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
		expect(limiter.take('a')).toBe(100);
		expect(limiter.take('b')).toBe(0);
		t = 100;
		expect(limiter.take('a')).toBe(0);
		expect(limiter.stats().limited).toBe(1);
	});
});
