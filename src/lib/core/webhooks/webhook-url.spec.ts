// MLflow's webhook URL safety rules: schemes, canonical IP literals, and which addresses count as public.
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPublicAddress, parseIpv6, readWebhookUrlSettings, DEFAULT_WEBHOOK_URL_SETTINGS as DEFAULTS } from './webhook-url';

describe('webhook URL safety', () => {
	it('allows https only by default, and what MLFLOW_WEBHOOK_ALLOWED_SCHEMES names', () => {
		expect(checkWebhookUrl('https://hooks.example.com/x', DEFAULTS)).toMatchObject({ ok: true, hostname: 'hooks.example.com', ipLiteral: false });
		expect(checkWebhookUrl('http://hooks.example.com/x', DEFAULTS)).toEqual({ ok: false, error: "Invalid webhook URL scheme: 'http'. Allowed schemes are: https." });
		const http = readWebhookUrlSettings({ MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http, https' });
		expect(http.allowedSchemes).toEqual(['http', 'https']);
		expect(checkWebhookUrl('http://hooks.example.com/x', http).ok).toBe(true);
		expect(checkWebhookUrl('ftp://hooks.example.com/x', http).ok).toBe(false);
	});

	it('refuses loopback, private, link-local and metadata addresses unless MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS', () => {
		for (const url of ['https://127.0.0.1/', 'https://10.1.2.3/', 'https://192.168.1.1/', 'https://169.254.169.254/latest', 'https://[::1]/', 'https://[fe80::1]/', 'https://[fd00::1]/', 'https://[::ffff:127.0.0.1]/', 'https://0.0.0.0/']) {
			expect(checkWebhookUrl(url, DEFAULTS), url).toMatchObject({ ok: false, error: expect.stringMatching(/non-public IP address/) });
			expect(checkWebhookUrl(url, { ...DEFAULTS, allowPrivateIps: true }).ok, url).toBe(true);
		}
		expect(checkWebhookUrl('https://8.8.8.8/', DEFAULTS).ok).toBe(true);
		expect(readWebhookUrlSettings({ MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true' }).allowPrivateIps).toBe(true);
		expect(readWebhookUrlSettings({}).allowPrivateIps).toBe(false);
	});

	it('refuses legacy numeric hosts, credentials, blanks and non-strings', () => {
		expect(checkWebhookUrl('https://127.1/', { ...DEFAULTS, allowPrivateIps: true })).toMatchObject({ ok: false, error: expect.stringMatching(/not a canonical IP address literal/) });
		expect(checkWebhookUrl('https://0177.0.0.1/', { ...DEFAULTS, allowPrivateIps: true }).ok).toBe(false);
		expect(checkWebhookUrl('https://u:p@example.com/', DEFAULTS).ok).toBe(false);
		expect(checkWebhookUrl('  ', DEFAULTS)).toMatchObject({ ok: false, error: expect.stringMatching(/cannot be empty/) });
		expect(checkWebhookUrl(42, DEFAULTS)).toMatchObject({ ok: false, error: expect.stringMatching(/must be a string/) });
		expect(checkWebhookUrl('not a url', DEFAULTS).ok).toBe(false);
	});

	it('judges IPv6 transition forms by the IPv4 they carry', () => {
		expect(parseIpv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]);
		expect(isPublicAddress('::ffff:10.0.0.1')).toBe(false);
		expect(isPublicAddress('2002:0a00:0001::1')).toBe(false); // 6to4 of 10.0.0.1
		expect(isPublicAddress('64:ff9b::7f00:1')).toBe(false); // NAT64 of 127.0.0.1
		expect(isPublicAddress('2606:4700::1111')).toBe(true);
		expect(isPublicAddress('100.64.0.1')).toBe(false);
		expect(isPublicAddress('not-an-ip')).toBe(false);
	});
});
