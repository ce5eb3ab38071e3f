// The Fanout on Redis streams (DESIGN §6, after y-redis): one stream for every document; each instance XADDs what
// its rooms publish on one connection (in order) and reads everyone's entries with a blocking XREAD on a second,
// from the last id it saw. A publish that failed, a lost connection or entries trimmed before this instance read
// them all end in onGap (here, and through a `gap` entry on every other instance), so nobody trusts a missed message;
// so does an instance that crashed (redis-liveness.ts). Chosen over ioredis: node-redis is the client Redis maintains
// (ioredis is on best-effort maintenance), and y-redis uses it.
import { randomUUID } from 'node:crypto';
import { createClient, RESP_TYPES } from 'redis';
import { FanoutUnavailableError, type Fanout, type FanoutKind, type FanoutMessage } from './fanout';
import { readFanoutMessageError } from './fanout-message';
import { watchLiveness } from './redis-liveness';

export const FANOUT_STREAM = 'tandem:fanout';

export interface RedisFanoutOptions {
	/** `redis://[user:password@]host:port[/db]` or `rediss://…`. */
	url: string;
	log?: (m: string) => void;
	/** The stream is trimmed to about this many entries (MAXLEN ~, default 100 000). */
	maxLen?: number;
	/** How long one XREAD blocks, in ms (default 2 000): bounds how late a silently dead connection is noticed. */
	blockMs?: number;
	/** An instance that stops refreshing its key this long crashed: the others resync (default 3 000 ms). */
	aliveTtlMs?: number;
}

/** Entries read per XREAD. */
const READ_BATCH = 512;
/** Fields of a stream entry: instance id, document, kind (`update`, `awareness`, `gap` or `bye`), data. */
const F = { instance: 'i', doc: 'd', kind: 'k', data: 'v' } as const;
const BUFFERS = { [RESP_TYPES.BLOB_STRING]: Buffer } as const;

type StreamReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

/**
 * The id of the stream's newest entry ('0-0' when empty), without its fields: XREVRANGE COUNT 1 would send the
 * whole entry (an update of up to a few hundred KiB) on every catchUp. Redis caches the script after its first EVAL.
 */
const TAIL_ID_SCRIPT = "local e = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1) if #e == 0 then return '0-0' end return e[1][1]";
const tailId = (client: { sendCommand<T>(args: string[]): Promise<T> }) => client.sendCommand<string>(['EVAL', TAIL_ID_SCRIPT, '1', FANOUT_STREAM]);

/** Orders two stream ids (`<ms>-<seq>`): negative, 0 or positive. */
export function compareStreamIds(a: string, b: string): number {
	const [am, as] = a.split('-').map(BigInt);
	const [bm, bs] = b.split('-').map(BigInt);
	return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

export async function createRedisFanout(opts: RedisFanoutOptions): Promise<Fanout> {
	if (!/^rediss?:\/\//.test(opts.url)) throw new Error(`not a redis:// or rediss:// URL: ${opts.url}`);
	const maxLen = opts.maxLen ?? 100_000;
	if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError('maxLen must be a positive integer');
	const blockMs = opts.blockMs ?? 2_000;
	const log = opts.log ?? (() => {});
	const instanceId = randomUUID();
	const subscribers = new Set<(message: FanoutMessage) => void>();
	const gapListeners = new Set<() => void>();
	let closed = false;

	// Until both connections are up once, a failure ends the start (Redis is not there); afterwards, retry forever.
	let started = false;
	const reconnectStrategy = (retries: number, cause: Error) => (started ? Math.min(50 * 2 ** retries, 1_000) : cause);
	// No offline queue: a command while Redis is away rejects at once (a 503 for the write) instead of waiting.
	// RESP2: replies are plain arrays, whatever the client's default protocol.
	const pub = createClient({ url: opts.url, RESP: 2, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: 5_000 } });
	const sub = pub.duplicate();
	const down = new Set<string>();
	for (const [name, client] of [['publisher', pub], ['reader', sub]] as const) {
		client.on('error', (e: Error) => {
			if (!down.has(name)) log(`redis fanout ${name}: ${e.message}`);
			down.add(name);
		});
		client.on('ready', () => {
			if (down.delete(name)) log(`redis fanout ${name}: connected again`);
		});
	}
	try {
		await Promise.all([pub.connect(), sub.connect()]);
		started = true;
	} catch (e) {
		pub.destroy();
		sub.destroy();
		throw new FanoutUnavailableError(`cannot reach redis at ${opts.url}: ${(e as Error).message}`);
	}

	const fireGap = (why: string) => {
		log(`redis fanout: resyncing (${why})`);
		for (const fn of gapListeners) fn();
	};

	// Publishing. node-redis writes commands to its one socket in call order and Redis runs them in that order.
	const xadd = (fields: Array<string | Buffer>) => pub.sendCommand(['XADD', FANOUT_STREAM, 'MAXLEN', '~', String(maxLen), '*', ...fields]);
	/** A publish failed: every instance must resync once Redis takes entries again. */
	let owesGap = false;
	const publishGap = () => {
		owesGap = false;
		xadd([F.instance, instanceId, F.kind, 'gap']).catch(() => (owesGap = true));
	};
	const liveness = watchLiveness({
		client: pub,
		instanceId,
		ttlMs: opts.aliveTtlMs,
		onDead: (id) => fireGap(`instance ${id} stopped without saying goodbye`)
	});
	pub.on('ready', () => {
		if (owesGap && !closed) publishGap();
	});

	// Reading, from the stream's last entry when this instance started.
	let lastId = await tailId(sub);

	/** catchUp calls waiting for the reader to pass a stream id. */
	let waiters: Array<{ id: string; resolve: () => void; reject: (e: Error) => void }> = [];
	const releaseWaiters = (error?: Error) => {
		const due = error ? waiters : waiters.filter((w) => compareStreamIds(w.id, lastId) <= 0);
		if (due.length === 0) return;
		waiters = error ? [] : waiters.filter((w) => !due.includes(w));
		for (const w of due) (error ? w.reject(error) : w.resolve());
	};

	const untilReady = () =>
		new Promise<void>((resolve) => {
			const done = () => {
				sub.off('ready', done);
				sub.off('end', done);
				resolve();
			};
			sub.on('ready', done);
			sub.on('end', done);
		});

	const deliver = (fields: Buffer[]) => {
		const entry = new Map<string, Buffer>();
		for (let i = 0; i + 1 < fields.length; i += 2) entry.set(fields[i].toString(), fields[i + 1]);
		const from = entry.get(F.instance)?.toString() ?? '';
		if (from === instanceId) return;
		const kind = entry.get(F.kind)?.toString();
		if (kind === 'bye') return liveness.left(from);
		liveness.seen(from);
		if (kind === 'gap') return fireGap('another instance could not publish');
		const doc = entry.get(F.doc)?.toString();
		const data = entry.get(F.data);
		if ((kind !== 'update' && kind !== 'awareness') || !doc || !data) return log(`redis fanout: skipping a malformed entry`);
		const message: FanoutMessage = { doc, kind: kind as FanoutKind, data: new Uint8Array(data) };
		for (const fn of subscribers) {
			try {
				fn(message);
			} catch (e) {
				log(`redis fanout: a subscriber failed on ${doc}: ${(e as Error).message}`);
			}
		}
	};

	/**
	 * Whether entries after `seen` may have been trimmed before this instance read them: the stream's first entry is
	 * past `seen`. Trimming keeps the newest `maxLen` entries, so a reader that keeps up is never there; one that is
	 * there lagged by `maxLen` entries and resyncs. (A reader that started on an empty stream, at `0-0`, has nothing
	 * to compare with; an outage meanwhile is still a gap.)
	 */
	const trimmedAfter = async (seen: string) => {
		if (seen === '0-0') return false;
		const first = await sub.sendCommand<Array<[string, unknown]>>(['XRANGE', FANOUT_STREAM, '-', '+', 'COUNT', '1']);
		return first.length > 0 && compareStreamIds(first[0][0], seen) > 0;
	};

	const reading = (async () => {
		let lost = false;
		while (!closed) {
			if (!sub.isReady) {
				lost = true;
				releaseWaiters(new FanoutUnavailableError('lost the connection to redis'));
				await untilReady();
				continue;
			}
			if (lost) {
				lost = false;
				fireGap('reconnected to redis');
			}
			const before = lastId;
			try {
				const reply = await sub.sendCommand<StreamReply>(
					['XREAD', 'COUNT', String(READ_BATCH), 'BLOCK', String(blockMs), 'STREAMS', FANOUT_STREAM, lastId],
					{ typeMapping: BUFFERS }
				);
				if (!reply || closed) continue;
				for (const [id, fields] of reply[0][1]) {
					lastId = id.toString();
					deliver(fields);
				}
				releaseWaiters();
				if (await trimmedAfter(before)) fireGap('entries were trimmed before they were read');
			} catch (e) {
				if (closed) break;
				// A reply error on a live connection (not a lost one) must not spin; a lost one is seen at the top.
				if (sub.isReady) {
					log(`redis fanout reader: ${(e as Error).message}`);
					await new Promise((resolve) => setTimeout(resolve, 100));
				}
			}
		}
	})();

	return {
		instanceId,
		publish(message) {
			if (closed) return Promise.reject(new FanoutUnavailableError('fanout is closed'));
			const error = readFanoutMessageError(message);
			if (error) return Promise.reject(new TypeError(error));
			if (!pub.isReady) {
				owesGap = true;
				return Promise.reject(new FanoutUnavailableError('redis is unreachable'));
			}
			if (owesGap) publishGap();
			const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
			return xadd([F.instance, instanceId, F.doc, message.doc, F.kind, message.kind, F.data, data]).then(
				() => undefined,
				(e: Error) => {
					owesGap = true;
					throw new FanoutUnavailableError(`redis did not take a ${message.kind} of ${message.doc}: ${e.message}`);
				}
			);
		},
		async catchUp() {
			if (closed || !pub.isReady) throw new FanoutUnavailableError(closed ? 'fanout is closed' : 'redis is unreachable');
			// The newest entry, asked on the publishing connection (the reader's is blocked in XREAD).
			let id: string;
			try {
				id = await tailId(pub);
			} catch (e) {
				throw new FanoutUnavailableError(`redis did not answer: ${(e as Error).message}`);
			}
			if (compareStreamIds(id, lastId) <= 0) return;
			await new Promise<void>((resolve, reject) => waiters.push({ id, resolve, reject }));
		},
		subscribe(fn) {
			subscribers.add(fn);
			return () => void subscribers.delete(fn);
		},
		onGap(fn) {
			gapListeners.add(fn);
			return () => void gapListeners.delete(fn);
		},
		async close() {
			if (closed) return;
			closed = true;
			subscribers.clear();
			gapListeners.clear();
			releaseWaiters(new FanoutUnavailableError('fanout is closed'));
			sub.destroy();
			await reading;
			// Everything published went first (one connection, in order): the others need not resync for this one.
			if (pub.isReady) await xadd([F.instance, instanceId, F.kind, 'bye']).catch(() => {});
			await liveness.stop();
			if (pub.isReady) await pub.close().catch(() => pub.destroy());
			else pub.destroy();
		}
	};
}
