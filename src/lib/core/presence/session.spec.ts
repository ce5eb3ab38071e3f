import { describe, expect, it } from 'vitest';
import { describePage, formatSessionLink, isAppliedView, readFollowers, readFollowTarget, readPresenter, readViewKey, stripReviewParam, takeOver, type Person } from './session';
import type { PresenceSession, PresenceState } from './state';

const person = (clientId: number, session: PresenceSession | null, page = '/'): Person => ({
	clientId,
	state: { user: { name: `p${clientId}`, color: '#000000' }, page, title: '', selected: [], hover: null, zoom: null, session } satisfies PresenceState
});

describe('review sessions', () => {
	it('the latest to present presents; ties go to the higher client id; other sessions do not count', () => {
		const people = [person(1, { id: 's', presenting: true, since: 10 }), person(2, { id: 's', presenting: false, since: 0 }), person(3, { id: 't', presenting: true, since: 99 })];
		expect(readPresenter(people, 's')?.clientId).toBe(1);
		people.push(person(4, { id: 's', presenting: true, since: 11 }));
		expect(readPresenter(people, 's')?.clientId).toBe(4);
		people.push(person(5, { id: 's', presenting: true, since: 11 }));
		expect(readPresenter(people, 's')?.clientId).toBe(5);
		expect(readPresenter(people, 'none')).toBeNull();
		expect(readFollowers(people, 's', readPresenter(people, 's')).map((p) => p.clientId)).toEqual([1, 2, 4]);
	});
	it('a take-over is later than the current presenter even with a slow clock', () => {
		expect(takeOver('s', { id: 's', presenting: true, since: 1000 }, 500)).toEqual({ id: 's', presenting: true, since: 1001 });
		expect(takeOver('s', null, 500).since).toBe(500);
	});
	it('a follower goes to the presenter page with the zoom made ahead of their URL', () => {
		expect(readFollowTarget({ page: '/experiments/1?tab=charts&zoom=1,2', zoom: [10, 20.5] })).toBe('/experiments/1?tab=charts&zoom=10,20.5');
		expect(readFollowTarget({ page: '/runs/a?zoom=1,2&review=s', zoom: null })).toBe('/runs/a');
		expect(readFollowTarget({ page: '/runs/a', zoom: [0.1 + 0.2, 1] })).toBe('/runs/a?zoom=0.3,1');
	});
	it('views compare whatever the order of parameters, without the review link', () => {
		expect(readViewKey('/e/1?b=2&a=1&review=x')).toBe(readViewKey('/e/1?a=1&b=2'));
		expect(readViewKey('/e/1?a=1')).not.toBe(readViewKey('/e/2?a=1'));
		expect(isAppliedView('/e/1?q=x&sel=a,b', ['/e/1', '/e/1?sel=a%2Cb&q=x'])).toBe(true);
		expect(isAppliedView('/e/1?q=y', ['/e/1?q=x'])).toBe(false);
		expect(stripReviewParam('/e/1?review=s&q=a,b')).toBe('/e/1?q=a,b');
	});
	it('links join a session at the presenter page; pages are described', () => {
		expect(formatSessionLink('http://h:1', '/compare?runs=a,b', 's1')).toBe('http://h:1/compare?runs=a,b&review=s1');
		expect(describePage('/experiments/3?tab=charts')).toBe('experiment 3');
		expect(describePage('/runs/0123456789abcdef')).toBe('run 01234567');
		expect(describePage('/models/m%20x/2')).toBe('model m x v2');
		expect(describePage('/models/m')).toBe('model m');
		expect(describePage('/')).toBe('experiments');
	});
});
