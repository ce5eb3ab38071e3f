// What every PostgreSQL user here (the DocStore, the auth and webhook stores, migrate) shares on node-postgres:
// a Pool that survives a broken idle connection, transactions on one pooled connection, and telling "PostgreSQL
// could not be reached" (answered as StoreUnavailableError, 503) from "PostgreSQL refused the statement".
import pg from 'pg';
import { StoreUnavailableError } from './doc-store';

export interface PoolOptions {
	/** Connections in the pool. */
	max: number;
	/** Shown in pg_stat_activity. */
	applicationName: string;
	log?: (msg: string) => void;
	/** Server settings for every connection, as `-c name=value …`. */
	options?: string;
}

/** Gives up opening a connection after this long (node-postgres's default waits for the OS, minutes). */
export const CONNECT_TIMEOUT_MS = 5_000;

/** A Pool on `url`; an idle connection that breaks (PostgreSQL restarted) is logged and dropped, the next query opens another. */
export function createPool(url: string, opts: PoolOptions): pg.Pool {
	const pool = new pg.Pool({
		connectionString: url,
		max: opts.max,
		connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
		application_name: opts.applicationName,
		...(opts.options ? { options: opts.options } : {})
	});
	const log = opts.log ?? (() => {});
	pool.on('error', (e: Error) => log(`PostgreSQL connection lost: ${e.message}`));
	return pool;
}

/**
 * Runs `fn` in a transaction on one pooled connection (rolled back if it throws; a broken connection is dropped).
 * `begin` may name the transaction's mode, e.g. `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
	const client = await pool.connect();
	let broken: Error | undefined;
	// A checked-out client whose connection dies emits 'error' (besides failing its query): unheard, it would crash
	// the process. The pool listens only while the client is idle.
	const onError = (e: Error) => (broken = e);
	client.on('error', onError);
	try {
		await client.query(begin);
		const result = await fn(client);
		await client.query('COMMIT');
		return result;
	} catch (err) {
		await client.query('ROLLBACK').catch((e: Error) => (broken = e));
		throw err;
	} finally {
		client.removeListener('error', onError);
		client.release(broken);
	}
}

const UNREACHABLE_CODES = new Set([
	'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
	'57P01', '57P02', '57P03', '53300' // admin/crash shutdown, starting up, too many connections
]);
/** What node-postgres says, with no code, when a connection broke or could not be made in time. */
const UNREACHABLE_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** True if `err` says PostgreSQL could not be reached (rather than refusing the statement). */
export function isUnreachable(err: unknown): boolean {
	const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
	if (typeof code === 'string') return UNREACHABLE_CODES.has(code) || code.startsWith('08'); // SQLSTATE class 08: connection exception
	return typeof message === 'string' && UNREACHABLE_MESSAGE.test(message);
}

/** Unreachable → StoreUnavailableError naming `what`; any other error is returned as it is. */
export function toStoreError(err: unknown, what: string): unknown {
	if (!isUnreachable(err)) return err;
	const e = err as { code?: string; message?: string };
	return new StoreUnavailableError(`PostgreSQL unavailable (${what}: ${[e.code, e.message].filter(Boolean).join(' ')}); retry`, err);
}

/**
 * What a store's open rethrows: an error with a code as it is (a network code already reads as retriable, and its
 * message is the one to show), a code-less "could not connect in time" or "connection terminated" as
 * StoreUnavailableError so that opening is retried too.
 */
export function toOpenError(err: unknown, what: string): unknown {
	return typeof (err as { code?: unknown } | null)?.code === 'string' ? err : toStoreError(err, what);
}

/** Runs one statement or transaction, unreachability reported as StoreUnavailableError naming `what`. */
export async function runOrUnavailable<T>(what: string, fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (err) {
		throw toStoreError(err, what);
	}
}
