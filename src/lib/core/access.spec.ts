import { describe, expect, it } from 'vitest';
import { allows, effectivePermission, isValidTokenLabel, isValidUserName, LOCAL_PRINCIPAL, parseTtl, type Principal } from './access';

const user = (scope: Principal['scope'], admin = false): Principal => ({ user: 'u', admin, scope, tokenId: 't' });

describe('effective permission', () => {
	it('takes the grant, else the server default, capped by the token scope', () => {
		expect(effectivePermission(user('write'), 'EDIT', 'READ')).toBe('EDIT');
		expect(effectivePermission(user('write'), undefined, 'READ')).toBe('READ');
		expect(effectivePermission(user('write'), undefined, 'NO_PERMISSIONS')).toBe('NO_PERMISSIONS');
		expect(effectivePermission(user('read'), 'MANAGE', 'READ')).toBe('READ');
		expect(effectivePermission(user('write'), 'NO_PERMISSIONS', 'MANAGE')).toBe('NO_PERMISSIONS');
	});
	it('gives admins MANAGE within their scope', () => {
		expect(effectivePermission(user('write', true), 'NO_PERMISSIONS', 'NO_PERMISSIONS')).toBe('MANAGE');
		expect(effectivePermission(user('read', true), undefined, 'READ')).toBe('READ');
		expect(effectivePermission(LOCAL_PRINCIPAL, undefined, 'NO_PERMISSIONS')).toBe('MANAGE');
	});
	it('orders permissions', () => {
		expect(allows('MANAGE', 'EDIT')).toBe(true);
		expect(allows('READ', 'EDIT')).toBe(false);
		expect(allows('NO_PERMISSIONS', 'READ')).toBe(false);
	});
});

describe('names and durations', () => {
	it('parses token lifetimes', () => {
		expect(parseTtl('30d')).toBe(30 * 86_400_000);
		expect(parseTtl('12h')).toBe(12 * 3_600_000);
		expect(parseTtl('0d')).toBeNull();
		expect(parseTtl('1y')).toBeNull();
		expect(parseTtl('-3d')).toBeNull();
	});
	it('accepts user names a Basic header can carry, and printable labels', () => {
		expect(isValidUserName('alice.b@corp')).toBe(true);
		expect(isValidUserName('a:b')).toBe(false);
		expect(isValidUserName('')).toBe(false);
		expect(isValidUserName('x'.repeat(65))).toBe(false);
		expect(isValidTokenLabel('ci runner 1')).toBe(true);
		expect(isValidTokenLabel(' padded')).toBe(false);
		expect(isValidTokenLabel('tab\there')).toBe(false);
	});
});
