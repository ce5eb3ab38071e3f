// Crash safety of the SQLite DocStore: a child process appending Yjs updates is killed with SIGKILL and every
// acknowledged update must load exactly once; a WAL with a garbage or torn tail must still open with every commit before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, rm, stat, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { createSqliteStore } from '../sync-server/store/sqlite-store';
import { readStoredDoc } from '../sync-server/store/store-contract';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = path.join(root, 'tests', 'fixtures', 'store-crash-child.ts');
/** Acknowledged updates per document to wait for before the kill. */
const ACKS_BEFORE_KILL = 20_000;

let tmp: string;
beforeAll(async () => {
	tmp = await mkdtemp(path.join(os.tmpdir(), 'tandem-store-crash-'));
});
afterAll(async () => {
	await rm(tmp, { recursive: true, force: true });
});

/** Resolves with the latest `ack <n>` the child printed once n ≥ target; rejects on exit or after timeoutMs. */
function waitForAck(proc: ChildProcess, target: number, output: () => string, timeoutMs = 30_000): Promise<number> {
	return new Promise((resolve, reject) => {
		let buffered = '';
		const finish = (err: Error | null, acked = 0) => {
			clearTimeout(timer);
			proc.stdout!.off('data', onData);
			proc.off('exit', onExit);
			if (err) reject(err);
			else resolve(acked);
		};
		const onData = (d: Buffer) => {
			buffered += d.toString();
			const lines = buffered.split('\n');
			buffered = lines.pop()!;
			const last = lines.findLast((l) => l.startsWith('ack '));
			const acked = last ? Number(last.slice(4)) : 0;
			if (acked >= target) finish(null, acked);
		};
		const onExit = (code: number | null) => finish(new Error(`child exited (${code}) before ${target} acks:\n${output()}`));
		const timer = setTimeout(() => finish(new Error(`fewer than ${target} acks within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
		proc.stdout!.on('data', onData);
		proc.once('exit', onExit);
	});
}

/** The integers pushed into array `n` of a stored document, in document order. */
async function readNumbers(dbPath: string, name: string) {
	const store = createSqliteStore({ path: dbPath });
	try {
		const stored = await store.load(name);
		return { stored, numbers: readStoredDoc(stored).getArray<number>('n').toArray() };
	} finally {
		await store.close();
	}
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('SQLite store under kill -9', () => {
	it.each(['NORMAL', 'FULL'] as const)('keeps every acknowledged update exactly once (synchronous=%s)', async (synchronous) => {
		const dbPath = path.join(tmp, `kill-${synchronous}`, 'tandem.db');
		const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, synchronous], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
		const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.once('exit', (_code, signal) => resolve(signal)));

		const acked = await waitForAck(proc, ACKS_BEFORE_KILL, () => output);
		proc.kill('SIGKILL');
		expect(await exited).toBe('SIGKILL');

		// The plain log: one stored update per push, so a count equal to the content proves nothing is doubled.
		const log = await readNumbers(dbPath, 'crash/log');
		expect(log.numbers.length).toBeGreaterThanOrEqual(acked);
		expect(log.numbers).toEqual(range(log.numbers.length));
		expect(log.stored.snapshot).toBeNull();
		expect(log.stored.updates).toHaveLength(log.numbers.length);

		// The compacted document: snapshot + tail hold every acknowledged push once, whichever side of a compaction the kill hit.
		const compacted = await readNumbers(dbPath, 'crash/compacted');
		expect(compacted.stored.snapshot).not.toBeNull();
		expect(compacted.numbers.length).toBeGreaterThanOrEqual(acked);
		expect(compacted.numbers).toEqual(range(compacted.numbers.length));
	});
});

describe('SQLite store with a damaged WAL tail', () => {
	const BATCHES = 10;
	const PER_BATCH = 20;
	let source: string;
	/** WAL size in bytes after each batch's commit. */
	const walSizes: number[] = [];
	let closeSource: () => Promise<void>;

	beforeAll(async () => {
		source = path.join(tmp, 'wal-source', 'tandem.db');
		const store = createSqliteStore({ path: source });
		closeSource = () => store.close();
		const doc = new Y.Doc();
		doc.on('update', (u: Uint8Array) => store.append('doc', u));
		for (let b = 0; b < BATCHES; b++) {
			for (let i = 0; i < PER_BATCH; i++) doc.getArray<number>('n').push([b * PER_BATCH + i]);
			await store.flush();
			walSizes.push((await stat(`${source}-wal`)).size);
		}
		// Every batch appended frames and none was checkpointed away, so the WAL holds all ten commits.
		expect(walSizes.every((s, i) => i === 0 || s > walSizes[i - 1])).toBe(true);
	});
	afterAll(() => closeSource());

	/** Copies the live database and WAL (no -shm: the opener rebuilds it from the WAL, as after a crash). */
	async function copyCrashImage(name: string): Promise<string> {
		const dir = path.join(tmp, name);
		await mkdir(dir, { recursive: true });
		const copy = path.join(dir, 'tandem.db');
		await copyFile(source, copy);
		await copyFile(`${source}-wal`, `${copy}-wal`);
		return copy;
	}

	/** Deterministic non-zero garbage (xorshift32 from a fixed seed). */
	function createGarbage(length: number): Buffer {
		const out = Buffer.alloc(length);
		let x = 0x9e3779b9;
		for (let i = 0; i < length; i++) {
			x ^= x << 13;
			x ^= x >>> 17;
			x ^= x << 5;
			out[i] = (x & 0xff) | 1;
		}
		return out;
	}

	it('ignores garbage appended after the last commit', async () => {
		const copy = await copyCrashImage('wal-garbage');
		const fh = await open(`${copy}-wal`, 'a');
		await fh.write(createGarbage(3 * (24 + 4096) + 100));
		await fh.close();
		const { numbers, stored } = await readNumbers(copy, 'doc');
		expect(numbers).toEqual(range(BATCHES * PER_BATCH));
		expect(stored.updates).toHaveLength(BATCHES * PER_BATCH);
	});

	it('drops a torn last commit, keeps every commit before it, and accepts new writes', async () => {
		const copy = await copyCrashImage('wal-torn');
		const last = walSizes[BATCHES - 1];
		const previous = walSizes[BATCHES - 2];
		await truncate(`${copy}-wal`, previous + Math.floor((last - previous) / 2));
		const { numbers } = await readNumbers(copy, 'doc');
		expect(numbers).toEqual(range((BATCHES - 1) * PER_BATCH));

		const store = createSqliteStore({ path: copy });
		store.append('after-recovery', new Uint8Array([7]));
		await store.close();
		const reopened = createSqliteStore({ path: copy });
		expect((await reopened.load('after-recovery')).updates).toEqual([new Uint8Array([7])]);
		expect((await reopened.load('doc')).updates).toHaveLength((BATCHES - 1) * PER_BATCH);
		await reopened.close();
	});

	it('drops a last commit whose frame checksum fails, keeping every commit before it', async () => {
		const copy = await copyCrashImage('wal-flipped');
		const previous = walSizes[BATCHES - 2];
		const fh = await open(`${copy}-wal`, 'r+');
		const offset = previous + 24 + 2048; // inside the page image of the last commit's first frame
		const byte = Buffer.alloc(1);
		await fh.read(byte, 0, 1, offset);
		byte[0] ^= 0xff;
		await fh.write(byte, 0, 1, offset);
		await fh.close();
		const { numbers } = await readNumbers(copy, 'doc');
		expect(numbers).toEqual(range((BATCHES - 1) * PER_BATCH));
	});
});
