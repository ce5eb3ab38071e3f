import { describe, expect, it } from 'vitest';
import { formatSignInHref, readNextPath } from './auth-links';

const next = (v: string) => readNextPath(new URLSearchParams({ next: v }));

describe('sign-in links', () => {
	it('return to the page wanted, query and hash included', () => {
		const href = formatSignInHref(new URL('http://x/experiments/0?q=metrics.loss%20%3C%201#top'));
		expect(href).toBe('/signin?next=%2Fexperiments%2F0%3Fq%3Dmetrics.loss%2520%253C%25201%23top');
		expect(readNextPath(new URL(href, 'http://x').searchParams)).toBe('/experiments/0?q=metrics.loss%20%3C%201#top');
	});

	it('need no `next` for the home page or the sign-in page itself', () => {
		expect(formatSignInHref(new URL('http://x/'))).toBe('/signin');
		expect(formatSignInHref(new URL('http://x/signin?next=%2Fmodels'))).toBe('/signin');
	});

	it('never leave this origin, nor loop back to sign-in', () => {
		for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '', '/signin', '/signin?next=/x']) {
			expect(next(bad), bad).toBe('/');
		}
		expect(readNextPath(new URLSearchParams())).toBe('/');
		expect(next('/runs/abc')).toBe('/runs/abc');
	});
});
