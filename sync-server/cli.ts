// Command-line entry: `tsx sync-server/cli.ts [--host H] [--port P] [--data DIR] [--sync FULL|NORMAL] [--gc-interval 24h]`
// (env TANDEM_HOST, TANDEM_PORT, TANDEM_DATA, TANDEM_SYNC, TANDEM_GC_INTERVAL). Prints the URL; SIGINT/SIGTERM flush the store and exit.
import { startServer } from './server';
import { GC_INTERVAL_MS, MAX_TIMER_MS } from './blobs/gc';

interface CliOptions {
	host: string;
	port: number;
	dataDir: string;
	synchronous: 'NORMAL' | 'FULL';
	gcIntervalMs: number;
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
		gcIntervalMs: env.TANDEM_GC_INTERVAL ? parseInterval(env.TANDEM_GC_INTERVAL, 'TANDEM_GC_INTERVAL') : GC_INTERVAL_MS
	};
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
		else if (flag === '--help' || flag === '-h') {
			console.log('usage: npm start -- [--host 127.0.0.1] [--port 5000] [--data ./tandem-data] [--sync NORMAL|FULL] [--gc-interval 24h|0]');
			process.exit(0);
		} else throw new Error(`unknown option ${flag} (try --help)`);
	}
	if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error(`--port must be 0..65535`);
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
	const server = await startServer({
		host: opts.host,
		port: opts.port,
		dataDir: opts.dataDir,
		synchronous: opts.synchronous,
		gcIntervalMs: opts.gcIntervalMs,
		log: (m) => console.error(`[tandem] ${m}`)
	});
	console.log(`Tandem listening on ${server.url} (data in ${opts.dataDir})`);
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.error(`[tandem] ${signal}: flushing and shutting down`);
		await server.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
	console.error(`tandem: failed to start: ${(e as Error).stack ?? e}`);
	process.exit(1);
});
