// Which Host and Origin headers the server answers (DNS rebinding, cross-site pages): loopback names always, the
// bound address, and whatever the operator lists (`--allowed-hosts`, `--allowed-origins`). A request with no Origin
// header is not a browser page's cross-origin request; it is judged by its token alone.

export interface OriginPolicyOptions {
	/** The address the server is bound to (e.g. 127.0.0.1, 0.0.0.0, 10.1.2.3). */
	bindHost: string;
	/** Extra host names (without port) clients may use, e.g. tandem.example.com; `*` allows any. */
	allowedHosts?: readonly string[];
	/** Extra origins allowed to call the API from a browser, e.g. https://notebooks.example.com. */
	allowedOrigins?: readonly string[];
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackAddress(host: string): boolean {
	return LOOPBACK_NAMES.has(host) || /^127(\.\d{1,3}){3}$/.test(host) || host.endsWith('.localhost');
}

export function isWildcardAddress(host: string): boolean {
	return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** `example.com:5000` → `example.com`, `[::1]:5000` → `[::1]`; null for a header that is not a host. */
export function hostName(header: string | undefined): string | null {
	if (!header) return null;
	const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(header.trim());
	return m ? m[1].toLowerCase() : null;
}

export function createOriginPolicy(opts: OriginPolicyOptions) {
	const hosts = new Set((opts.allowedHosts ?? []).map((h) => h.toLowerCase()));
	const origins = new Set((opts.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));
	const bind = opts.bindHost.toLowerCase();
	const anyHost = hosts.has('*');

	const policy = {
		/** Loopback names, the bound address, listed hosts; any host when bound to every address and the list says `*`. */
		allowsHost(header: string | undefined): boolean {
			const name = hostName(header);
			if (name === null) return false;
			if (isLoopbackAddress(name) || name === bind || name === `[${bind}]` || hosts.has(name)) return true;
			return anyHost;
		},
		/** An Origin equal to the request's own (`http(s)://<Host>`), or listed. */
		allowsOrigin(origin: string, hostHeader: string | undefined): boolean {
			const o = origin.toLowerCase();
			if (o === 'null') return false;
			const host = hostHeader?.trim().toLowerCase();
			if (host && (o === `http://${host}` || o === `https://${host}`)) return true;
			return origins.has(o);
		},
		/** Why a request with these headers is refused, or null. `api`: also refuse cross-site fetches that send no
		 * Origin (a link to the app from another site is a cross-site navigation, and is fine). */
		check(headers: { host?: string; origin?: string; 'sec-fetch-site'?: string }, api: boolean): string | null {
			if (!policy.allowsHost(headers.host)) return `Host '${headers.host ?? ''}' is not served here (allowed: loopback names, the bound address${hosts.size ? ', ' + [...hosts].join(', ') : ''}; see --allowed-hosts)`;
			if (headers.origin !== undefined && !policy.allowsOrigin(headers.origin, headers.host)) return `Cross-origin request from '${headers.origin}' refused (see --allowed-origins)`;
			if (api && headers.origin === undefined && headers['sec-fetch-site'] === 'cross-site') return 'Cross-site request refused';
			return null;
		}
	};
	return policy;
}

export type OriginPolicy = ReturnType<typeof createOriginPolicy>;
