// Command-line entry: `tsx sync-server/cli.ts [--host H] [--port P] [--data DIR] [--sync FULL|NORMAL] [--gc-interval 24h]
// [--insecure] [--default-permission READ] [--allowed-hosts a,b] [--allowed-origins o1,o2] [--rate-limit 2000]
// [--store postgres://…] [--blobs s3://…] [--fanout redis://…] [--connect-timeout 30s]` (env TANDEM_HOST,
// TANDEM_PORT, TANDEM_DATA, TANDEM_SYNC, TANDEM_GC_INTERVAL, TANDEM_INSECURE=1, TANDEM_DEFAULT_PERMISSION,
// TANDEM_ALLOWED_HOSTS, TANDEM_ALLOWED_ORIGINS, TANDEM_RATE_LIMIT, TANDEM_STORE, TANDEM_BLOBS, TANDEM_FANOUT,
// TANDEM_CONNECT_TIMEOUT). Prints the URL; SIGINT/SIGTERM flush the store and exit. With no backend URL, the embedded
// store (SQLite and files under --data) runs exactly as before and no driver is loaded.
import { startServer } from './server';
import { parseBackendUrls, type BackendUrls } from '../src/lib/core/backend-urls';
import { BackendUnavailableError, DEFAULT_CONNECT_TIMEOUT_MS, describeBackends, openBackends, type Backends } from './backends';
import { GC_INTERVAL_MS, MAX_TIMER_MS } from './blobs/gc';
import { isPermission, type Permission } from '../src/lib/core/access';

interface CliOptions {
	host: string;
	port: number;
	dataDir: string;
	synchronous: 'NORMAL' | 'FULL';
	gcIntervalMs: number;
	insecure: boolean;
	defaultPermission: Permission;
	allowedHosts: string[];
	allowedOrigins: string[];
	/** Requests per second per token. */
	rateLimit: number;
	/** PostgreSQL / S3 / Redis, each null for the embedded default. */
	backends: BackendUrls;
	/** How long startup keeps trying to reach a backend, ms. */
	connectTimeoutMs: number;
}

const splitList = (text: string | undefined) => (text ?? '').split(',').map((x) => x.trim()).filter(Boolean);

function readPermission(text: string, what: string): Permission {
	const p = text.toUpperCase();
	if (!isPermission(p)) throw new Error(`${what} must be READ, EDIT, MANAGE or NO_PERMISSIONS, not '${text}'`);
	return p;
}
function readRate(text: string, what: string): number {
	const n = Number(text);
	if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} must be a positive number of requests per second`);
	return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0`, or a number with a unit: `90s`, `30m`, `12h`, `7d`, `500ms`. */
export function parseInterval(text: string, what: string): number {
	const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
	const ms = m && (m[2] ? Math.round(Number(m[1]) * UNIT_MS[m[2]]) : Number(m[1]) === 0 ? 0 : NaN);
	if (ms === null || !Number.isFinite(ms)) throw new Error(`${what} must be 0 (off) or a duration like 30m, 12h or 7d, not '${text}'`);
	if (ms > MAX_TIMER_MS) throw new Error(`${what} must be at most 24d`);
	return ms;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
	const opts: CliOptions = {
		host: env.TANDEM_HOST ?? '127.0.0.1',
		port: Number(env.TANDEM_PORT ?? 5000),
		dataDir: env.TANDEM_DATA ?? 'tandem-data',
		synchronous: env.TANDEM_SYNC === 'FULL' ? 'FULL' : 'NORMAL',
		gcIntervalMs: env.TANDEM_GC_INTERVAL ? parseInterval(env.TANDEM_GC_INTERVAL, 'TANDEM_GC_INTERVAL') : GC_INTERVAL_MS,
		insecure: env.TANDEM_INSECURE === '1' || env.TANDEM_INSECURE === 'true',
		defaultPermission: env.TANDEM_DEFAULT_PERMISSION ? readPermission(env.TANDEM_DEFAULT_PERMISSION, 'TANDEM_DEFAULT_PERMISSION') : 'READ',
		allowedHosts: splitList(env.TANDEM_ALLOWED_HOSTS),
		allowedOrigins: splitList(env.TANDEM_ALLOWED_ORIGINS),
		rateLimit: env.TANDEM_RATE_LIMIT ? readRate(env.TANDEM_RATE_LIMIT, 'TANDEM_RATE_LIMIT') : 2000,
		backends: { store: null, blobs: null, fanout: null },
		connectTimeoutMs: env.TANDEM_CONNECT_TIMEOUT ? parseInterval(env.TANDEM_CONNECT_TIMEOUT, 'TANDEM_CONNECT_TIMEOUT') : DEFAULT_CONNECT_TIMEOUT_MS
	};
	// Each backend URL and where it came from (a flag overrides the environment), parsed together after the loop.
	const urls: { store?: string; blobs?: string; fanout?: string } = {};
	const sources = { store: '--store', blobs: '--blobs', fanout: '--fanout' };
	for (const key of ['store', 'blobs', 'fanout'] as const) {
		const name = `TANDEM_${key.toUpperCase()}`;
		if (env[name]) [urls[key], sources[key]] = [env[name], name];
	}
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = argv[i + 1];
		const need = () => {
			if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
			i++;
			return value;
		};
		if (flag === '--host') opts.host = need();
		else if (flag === '--port') opts.port = Number(need());
		else if (flag === '--data') opts.dataDir = need();
		else if (flag === '--sync') opts.synchronous = need() === 'FULL' ? 'FULL' : 'NORMAL';
		else if (flag === '--gc-interval') opts.gcIntervalMs = parseInterval(need(), '--gc-interval');
		else if (flag === '--insecure') opts.insecure = true;
		else if (flag === '--default-permission') opts.defaultPermission = readPermission(need(), flag);
		else if (flag === '--allowed-hosts') opts.allowedHosts = splitList(need());
		else if (flag === '--allowed-origins') opts.allowedOrigins = splitList(need());
		else if (flag === '--rate-limit') opts.rateLimit = readRate(need(), flag);
		else if (flag === '--store' || flag === '--blobs' || flag === '--fanout') {
			const key = flag.slice(2) as 'store' | 'blobs' | 'fanout';
			urls[key] = need();
			sources[key] = flag;
		} else if (flag === '--connect-timeout') opts.connectTimeoutMs = parseInterval(need(), flag);
		else if (flag === '--help' || flag === '-h') {
			console.log(
				'usage: npm start -- [--host 127.0.0.1] [--port 5000] [--data ./tandem-data] [--sync NORMAL|FULL] [--gc-interval 24h|0]\n' +
					'                    [--insecure] [--default-permission READ|EDIT|MANAGE|NO_PERMISSIONS] [--allowed-hosts h1,h2]\n' +
					'                    [--allowed-origins https://a.example,…] [--rate-limit 2000]\n' +
					'                    [--store postgres://user:pass@host:5432/db] [--blobs s3://bucket/prefix?endpoint=http://host:9000]\n' +
					'                    [--fanout redis://host:6379] [--connect-timeout 30s]\n' +
					'moving an embedded data directory to PostgreSQL and S3: npm run tandem -- migrate --help\n' +
					'users and tokens: npm run tandem -- --help'
			);
			process.exit(0);
		} else throw new Error(`unknown option ${flag} (try --help)`);
	}
	if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error(`--port must be 0..65535`);
	opts.backends = parseBackendUrls(urls, sources);
	return opts;
}

async function main() {
	let opts: CliOptions;
	try {
		opts = parseArgs(process.argv.slice(2), process.env);
	} catch (e) {
		console.error(`tandem: ${(e as Error).message}`);
		process.exit(2);
	}
	const { store, blobs, fanout } = opts.backends;
	let backends: Backends | null = null;
	if (store || blobs || fanout) {
		console.error(`[tandem] backends: ${describeBackends(opts.backends)}`);
		backends = await openBackends({ urls: opts.backends, connectTimeoutMs: opts.connectTimeoutMs, log: (m) => console.error(`[tandem] ${m}`) });
	}
	const server = await startServer({
		...backends?.parts,
		host: opts.host,
		port: opts.port,
		dataDir: opts.dataDir,
		synchronous: opts.synchronous,
		gcIntervalMs: opts.gcIntervalMs,
		insecure: opts.insecure,
		defaultPermission: opts.defaultPermission,
		allowedHosts: opts.allowedHosts,
		allowedOrigins: opts.allowedOrigins,
		rateLimit: { perSecond: opts.rateLimit },
		log: (m) => console.error(`[tandem] ${m}`)
	}).catch(async (e: unknown) => {
		await backends?.close();
		throw e;
	});
	console.log(`Tandem listening on ${server.url} (${backends ? backends.summary : `data in ${opts.dataDir}`})`);
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.error(`[tandem] ${signal}: flushing and shutting down`);
		await server.close();
		await backends?.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
	if (e instanceof BackendUnavailableError) {
		console.error(`tandem: failed to start: ${e.message}`);
		process.exit(1);
	}
	console.error(`tandem: failed to start: ${(e as Error).stack ?? e}`);
	process.exit(1);
});
