// MLflow's webhook URL safety rules, pure: the scheme must be one of MLFLOW_WEBHOOK_ALLOWED_SCHEMES (default https
// only), the host canonical, and — unless MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS — every address it resolves to public
// (Python's `ip.is_global`, with IPv4 wrapped in IPv6 transition formats unwrapped first). Resolving is the caller's.

export interface WebhookUrlSettings {
	/** Lower-case schemes without ':' (MLflow's default: ['https']). */
	allowedSchemes: readonly string[];
	/** Allow loopback, private, link-local and other non-public targets (MLflow's default: false). */
	allowPrivateIps: boolean;
}

export const DEFAULT_WEBHOOK_URL_SETTINGS: WebhookUrlSettings = Object.freeze({ allowedSchemes: ['https'], allowPrivateIps: false });

export type UrlCheck = { ok: true; url: URL; hostname: string; ipLiteral: boolean } | { ok: false; error: string };

/** Parses the IPv4 dotted quad `s` (canonical: four decimal parts, no leading zeros) to 4 bytes, or null. */
export function parseIpv4(s: string): number[] | null {
	const parts = s.split('.');
	if (parts.length !== 4) return null;
	const bytes = parts.map((p) => (/^(0|[1-9][0-9]{0,2})$/.test(p) ? Number(p) : NaN));
	return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

/** Parses an IPv6 address (optionally bracketed, zone id dropped, trailing dotted quad allowed) to 16 bytes, or null. */
export function parseIpv6(input: string): number[] | null {
	let s = input.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
	const quad = /:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
	if (quad) {
		const v4 = parseIpv4(quad[1]);
		if (!v4) return null;
		s = `${s.slice(0, quad.index + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
	}
	const halves = s.split('::');
	if (halves.length > 2) return null;
	const group = (h: string) => (h === '' ? [] : h.split(':'));
	const [head, rest] = [group(halves[0]), halves.length === 2 ? group(halves[1]) : []];
	if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
	const words = head.map((g) => parseInt(g, 16));
	const after = rest.map((g) => parseInt(g, 16));
	const fill = 8 - words.length - after.length;
	if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
	const all = [...words, ...Array(fill).fill(0), ...after];
	return all.flatMap((w) => [w >> 8, w & 0xff]);
}

const inV4 = (b: number[], net: number[], bits: number) => {
	for (let i = 0; i < 4; i++) {
		const take = Math.max(0, Math.min(8, bits - i * 8));
		const mask = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
		if ((b[i] & mask) !== (net[i] & mask)) return false;
	}
	return true;
};

// Python's ipaddress: IPv4 networks that are not global (plus multicast, which no webhook should reach).
const V4_NOT_GLOBAL: [number[], number][] = [
	[[0, 0, 0, 0], 8], [[10, 0, 0, 0], 8], [[100, 64, 0, 0], 10], [[127, 0, 0, 0], 8], [[169, 254, 0, 0], 16],
	[[172, 16, 0, 0], 12], [[192, 0, 0, 0], 24], [[192, 0, 2, 0], 24], [[192, 88, 99, 0], 24], [[192, 168, 0, 0], 16],
	[[198, 18, 0, 0], 15], [[198, 51, 100, 0], 24], [[203, 0, 113, 0], 24], [[224, 0, 0, 0], 4], [[240, 0, 0, 0], 4]
];

export function isPublicIpv4(b: number[]): boolean {
	return !V4_NOT_GLOBAL.some(([net, bits]) => inV4(b, net, bits));
}

/** Whether the IPv6 address (16 bytes) is global; IPv4-mapped, 6to4 and NAT64 forms are judged by their IPv4. */
export function isPublicIpv6(b: number[]): boolean {
	const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
	if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return isPublicIpv4(b.slice(12)); // ::ffff:a.b.c.d
	if (b[0] === 0x20 && b[1] === 0x02) return isPublicIpv4(b.slice(2, 6)); // 2002::/16 (6to4)
	if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return isPublicIpv4(b.slice(12)); // 64:ff9b::/96
	if (zero(0, 12)) return false; // ::, ::1, IPv4-compatible
	if ((b[0] & 0xfe) === 0xfc) return false; // fc00::/7 unique local
	if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return false; // fe80::/10 link-local
	if (b[0] === 0xfe && (b[1] & 0xc0) === 0xc0) return false; // fec0::/10 site-local
	if (b[0] === 0xff) return false; // multicast
	if (b[0] === 0x01 && b[1] === 0x00 && zero(2, 8)) return false; // 100::/64 discard
	if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return false; // 2001:db8::/32 documentation
	if (b[0] === 0x20 && b[1] === 0x01 && b[2] < 0x02) return false; // 2001::/23 IETF protocol assignments
	return true;
}

/** Whether `address` (an IPv4 or IPv6 literal) is public; a string that is neither is not. */
export function isPublicAddress(address: string): boolean {
	const v4 = parseIpv4(address);
	if (v4) return isPublicIpv4(v4);
	const v6 = parseIpv6(address);
	return v6 ? isPublicIpv6(v6) : false;
}

const looksNumeric = (host: string) => host.includes(':') || /^[0-9.]+$/.test(host);

/**
 * Checks a webhook URL as MLflow's `_validate_webhook_url` does, before any DNS: a string, not blank, a scheme the
 * settings allow, a host; a numeric host must be a canonical IP literal and, unless private IPs are allowed, public.
 * A host name must still be resolved and every address checked with isPublicAddress (at create, update and delivery).
 */
export function checkWebhookUrl(value: unknown, s: WebhookUrlSettings): UrlCheck {
	if (typeof value !== 'string') return { ok: false, error: `Webhook URL must be a string, got ${value === null ? 'null' : typeof value}` };
	if (value.trim() === '') return { ok: false, error: `Webhook URL cannot be empty or just whitespace: '${value}'` };
	if (value.length > 2048) return { ok: false, error: 'Webhook URL must be at most 2048 characters' };
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return { ok: false, error: `Invalid webhook URL '${value}'` };
	}
	const scheme = url.protocol.replace(/:$/, '');
	if (!s.allowedSchemes.includes(scheme)) return { ok: false, error: `Invalid webhook URL scheme: '${scheme}'. Allowed schemes are: ${s.allowedSchemes.join(', ')}.` };
	const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
	if (!hostname) return { ok: false, error: `Webhook URL must include a hostname: '${value}'` };
	if (url.username || url.password) return { ok: false, error: 'Webhook URL must not carry a user name or password' };
	// WHATWG URL parsing already rewrites legacy numeric spellings (127.1, 0x7f.1): compare against what was written.
	const written = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(value)?.[1]?.replace(/^\[(.*)\]$/, '$1') ?? '';
	const ipLiteral = looksNumeric(hostname);
	if (ipLiteral && (parseIpv4(written) ?? parseIpv6(written)) === null) return { ok: false, error: `Webhook URL host '${written}' is not a canonical IP address literal.` };
	if (ipLiteral && !s.allowPrivateIps && !isPublicAddress(hostname)) {
		return { ok: false, error: `Webhook URL must not resolve to a non-public IP address. '${hostname}' resolves to ${hostname}.` };
	}
	return { ok: true, url, hostname, ipLiteral };
}

/** MLflow's settings from its environment variables (MLFLOW_WEBHOOK_ALLOWED_SCHEMES, MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS). */
export function readWebhookUrlSettings(env: Readonly<Record<string, string | undefined>>): WebhookUrlSettings {
	const schemes = env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES?.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
	const flag = env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS?.trim().toLowerCase();
	return { allowedSchemes: schemes?.length ? schemes : ['https'], allowPrivateIps: flag === 'true' || flag === '1' };
}
