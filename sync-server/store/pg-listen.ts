// A LISTEN that outlives its connection: one dedicated node-postgres Client that LISTENs on a channel and, when the
// connection breaks or ends (PostgreSQL restarted, the backend terminated), opens another with backoff and LISTENs
// again. A notification sent while no connection listened is lost, so `onListen` runs after every LISTEN (the first
// too: whatever was committed before it is read then).
import pg from 'pg';
import { CONNECT_TIMEOUT_MS } from './pg-pool';

export interface ListenOptions {
	url: string;
	/** A plain lowercase identifier. */
	channel: string;
	/** Shown in pg_stat_activity. */
	applicationName: string;
	/** Each notification's payload ('' when it has none). */
	onNotify: (payload: string) => void;
	/** After each LISTEN took effect: read what a notification may have said meanwhile. */
	onListen: () => void;
	log?: (msg: string) => void;
}

export interface Listening {
	/** Stops listening and reconnecting; resolves once the connection is closed. */
	close(): Promise<void>;
}

/** First wait before reconnecting, ms; doubles after each failed try up to RETRY_MAX_MS. */
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2_000;

/** Connects and LISTENs on `opts.channel`; rejects if that first connection fails, reconnects by itself after. */
export async function listenWithReconnect(opts: ListenOptions): Promise<Listening> {
	if (!/^[a-z_][a-z0-9_]*$/.test(opts.channel)) throw new Error(`not a plain channel name: ${opts.channel}`);
	const log = opts.log ?? (() => {});
	let current: pg.Client | null = null;
	let closed = false;
	let timer: NodeJS.Timeout | null = null;
	let retrying: Promise<void> | null = null;
	let delay = RETRY_MIN_MS;

	/** A connected Client listening on the channel; `lost` is called once if its connection goes after that. */
	async function open(): Promise<pg.Client> {
		const client = new pg.Client({ connectionString: opts.url, application_name: opts.applicationName, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
		let gone: Error | null = null;
		const onGone = (e: Error) => {
			if (gone) return;
			gone = e;
			if (client === current) lost(client, e);
		};
		client.on('error', onGone);
		client.on('end', () => onGone(new Error('connection ended')));
		client.on('notification', (m) => {
			if (m.channel === opts.channel) opts.onNotify(m.payload ?? '');
		});
		try {
			await client.connect();
			await client.query(`LISTEN ${opts.channel}`);
			if (gone) throw gone;
		} catch (e) {
			await client.end().catch(() => {});
			throw e;
		}
		return client;
	}

	function lost(client: pg.Client, e: Error): void {
		current = null;
		client.end().catch(() => {});
		if (closed) return;
		log(`PostgreSQL LISTEN ${opts.channel} connection lost (${e.message}); reconnecting`);
		retrySoon();
	}

	function retrySoon(): void {
		if (closed || timer || retrying) return;
		timer = setTimeout(() => {
			timer = null;
			retrying = open().then(
				async (client) => {
					retrying = null;
					if (closed) {
						await client.end().catch(() => {});
						return;
					}
					current = client;
					delay = RETRY_MIN_MS;
					log(`PostgreSQL LISTEN ${opts.channel} reconnected`);
					opts.onListen();
				},
				() => {
					retrying = null;
					delay = Math.min(2 * delay, RETRY_MAX_MS);
					retrySoon();
				}
			);
		}, delay);
	}

	current = await open();
	opts.onListen();
	return {
		async close() {
			closed = true;
			if (timer) clearTimeout(timer);
			timer = null;
			await retrying;
			const client = current;
			current = null;
			await client?.end().catch((e: Error) => log(`PostgreSQL UNLISTEN ${opts.channel} failed: ${e.message}`));
		}
	};
}
