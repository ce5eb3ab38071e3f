import { describe, expect, it } from 'vitest';
import { defaultPresenceColor, FALLBACK_COLOR, MAX_SELECTED, parsePresenceState, readInitials, withUserName } from './state';

const valid = { user: { name: 'Ada', color: '#AABBCC' }, page: '/experiments/1?tab=charts', title: 'Sweep', selected: ['r1'], hover: { chart: 'loss', axis: 'step', x: 40 }, zoom: [1, 2], session: { id: 's1', presenting: true, since: 5 } };

describe('presence state', () => {
	it('keeps a well-formed state, colours lower-cased', () => {
		expect(parsePresenceState(valid)).toEqual({ ...valid, user: { name: 'Ada', color: '#aabbcc' } });
	});
	it('ignores states without a name or an app path', () => {
		expect(parsePresenceState(null)).toBeNull();
		expect(parsePresenceState({ ...valid, user: { name: '  ' } })).toBeNull();
		expect(parsePresenceState({ ...valid, page: 'https://evil.example/' })).toBeNull();
		expect(parsePresenceState({ ...valid, page: '//evil.example/x' })).toBeNull();
		expect(parsePresenceState({ ...valid, page: '/x'.repeat(3000) })).toBeNull();
	});
	it('clamps colours, names, selections and drops malformed parts', () => {
		const s = parsePresenceState({
			...valid,
			user: { name: `<b>${'x'.repeat(100)}</b>\u0007`, color: 'red; background:url(x)' },
			selected: [...Array.from({ length: 150 }, (_, i) => `r${i}`), 7, '../x'],
			hover: { chart: 'loss', axis: 'step', x: Number.NaN },
			zoom: [3, 1],
			session: { id: 'a b', presenting: true }
		})!;
		expect(s.user.color).toBe(FALLBACK_COLOR);
		expect(s.user.name).toHaveLength(64);
		expect(s.user.name).not.toContain('\u0007');
		expect(s.selected).toHaveLength(MAX_SELECTED);
		expect(s.hover).toBeNull();
		expect(s.zoom).toBeNull();
		expect(s.session).toBeNull();
	});
	it('writes a principal name over the claimed one, keeping a valid colour', () => {
		expect(withUserName({ user: { name: 'mallory', color: '#123456' }, page: '/' }, 'alice')).toEqual({ user: { name: 'alice', color: '#123456' }, page: '/' });
		expect(withUserName({ page: '/' }, 'alice')).toEqual({ page: '/', user: { name: 'alice', color: FALLBACK_COLOR } });
	});
	it('gives initials and a stable default colour', () => {
		expect(readInitials('ada lovelace byron')).toBe('AL');
		expect(readInitials('émile')).toBe('É');
		expect(defaultPresenceColor('Ada')).toBe(defaultPresenceColor('Ada'));
		expect(defaultPresenceColor('Ada')).toMatch(/^#[0-9a-f]{6}$/);
	});
});
