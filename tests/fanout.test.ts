// The Fanout contract suite (sync-server/fanout/fanout-contract.ts) against the in-process hub and against a real
// redis-server started for each case; plus what only Redis has: entries trimmed before an instance read them.
import { afterEach, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createClient } from 'redis';
import { runFanoutContract } from '../sync-server/fanout/fanout-contract';
import { createMemoryHub } from '../sync-server/fanout/memory-fanout';
import { createRedisFanout, FANOUT_STREAM } from '../sync-server/fanout/redis-fanout';
import { FanoutUnavailableError, type Fanout } from '../sync-server/fanout/fanout';
import { startRedis, type TestRedis } from './helpers/redis';
import { waitFor } from './helpers/wait';

runFanoutContract('in-process hub', async () => {
	const hub = createMemoryHub();
	const open: Fanout[] = [];
	return {
		connect: async () => {
			const f = hub.connect();
			open.push(f);
			return f;
		},
		outage: async () => hub.setReachable(false),
		restore: async () => hub.setReachable(true),
		cleanup: async () => void (await Promise.all(open.map((f) => f.close())))
	};
});

runFanoutContract('redis streams', async () => {
	const redis = await startRedis();
	const open: Fanout[] = [];
	return {
		connect: async () => {
			const f = await createRedisFanout({ url: redis.url, blockMs: 500 });
			open.push(f);
			return f;
		},
		outage: () => redis.kill(),
		restore: () => redis.restart(),
		cleanup: async () => {
			await Promise.all(open.map((f) => f.close()));
			await redis.stop();
		}
	};
});

let redis: TestRedis | null = null;
afterEach(async () => {
	await redis?.stop();
	redis = null;
});

it('redis: an instance whose unread entries were trimmed away resyncs (onGap)', async () => {
	redis = await startRedis();
	const [a, b] = [await createRedisFanout({ url: redis.url }), await createRedisFanout({ url: redis.url })];
	const admin = createClient({ url: redis.url });
	await admin.connect();
	try {
		let gaps = 0;
		b.onGap(() => gaps++);
		const got: string[] = [];
		b.subscribe((m) => got.push(m.doc));
		await a.publish({ doc: 'seen', kind: 'update', data: new Uint8Array([1]) });
		await waitFor(() => got.includes('seen'), { what: 'the first message' });
		// Entries B has not read yet, trimmed in one MULTI so B's blocked XREAD wakes only once they are gone.
		await admin
			.multi()
			.xAdd(FANOUT_STREAM, '*', { i: 'elsewhere', d: 'trimmed', k: 'update', v: 'x' })
			.xAdd(FANOUT_STREAM, '*', { i: 'elsewhere', d: 'trimmed', k: 'update', v: 'y' })
			.xAdd(FANOUT_STREAM, '*', { i: 'elsewhere', d: 'kept', k: 'update', v: 'z' })
			.xTrim(FANOUT_STREAM, 'MAXLEN', 1)
			.exec();
		await waitFor(() => got.includes('kept'), { what: 'the entry that was kept' });
		await waitFor(() => gaps === 1, { what: 'onGap' });
		expect(got).toEqual(['seen', 'kept']);
	} finally {
		await admin.close();
		await Promise.all([a.close(), b.close()]);
	}
});

it('redis: an unreachable server is a FanoutUnavailableError at start', async () => {
	redis = await startRedis();
	await redis.kill();
	await expect(createRedisFanout({ url: redis.url })).rejects.toBeInstanceOf(FanoutUnavailableError);
	await expect(createRedisFanout({ url: 'http://127.0.0.1:1' })).rejects.toThrow(/redis:\/\//);
});

it('redis: a publish redis refused makes the other instances resync (a gap entry) once it takes entries again', async () => {
	redis = await startRedis();
	const [a, b] = [await createRedisFanout({ url: redis.url }), await createRedisFanout({ url: redis.url })];
	const admin = createClient({ url: redis.url });
	await admin.connect();
	try {
		let gaps = 0;
		b.onGap(() => gaps++);
		const got: string[] = [];
		b.subscribe((m) => got.push(m.doc));
		await a.publish({ doc: 'first', kind: 'update', data: new Uint8Array([1]) });
		await waitFor(() => got.includes('first'), { what: 'the first message' });
		// Redis refuses writes (out of memory) but stays connected: only A knows a message was lost.
		await admin.configSet({ maxmemory: '1', 'maxmemory-policy': 'noeviction' });
		await expect(a.publish({ doc: 'lost', kind: 'update', data: new Uint8Array([2]) })).rejects.toBeInstanceOf(FanoutUnavailableError);
		await admin.configSet('maxmemory', '0');
		await a.publish({ doc: 'next', kind: 'update', data: new Uint8Array([3]) });
		await waitFor(() => got.includes('next'), { what: 'the next message' });
		expect(gaps).toBe(1);
		expect(got).toEqual(['first', 'next']);
	} finally {
		await admin.close();
		await Promise.all([a.close(), b.close()]);
	}
});

it('redis: an instance that crashes (no goodbye) makes the others resync; one that closes does not', async () => {
	redis = await startRedis();
	const b = await createRedisFanout({ url: redis.url, aliveTtlMs: 300 });
	try {
		let gaps = 0;
		b.onGap(() => gaps++);
		const got: string[] = [];
		b.subscribe((m) => got.push(m.doc));
		// A closed instance said goodbye: nothing to resync.
		const closing = await createRedisFanout({ url: redis.url, aliveTtlMs: 300 });
		await closing.publish({ doc: 'from-closing', kind: 'update', data: new Uint8Array([1]) });
		await waitFor(() => got.includes('from-closing'), { what: 'the closing instance’s message' });
		await closing.close();
		// Another process publishes, then is killed (SIGKILL): its key lapses without a goodbye.
		const code = `
			const { createRedisFanout } = await import(${JSON.stringify(path.resolve('sync-server/fanout/redis-fanout.ts'))});
			const f = await createRedisFanout({ url: ${JSON.stringify(redis.url)}, aliveTtlMs: 300 });
			await f.publish({ doc: 'from-child', kind: 'update', data: new Uint8Array([2]) });
			process.stdout.write('published\\n');
			setInterval(() => {}, 1000);`;
		const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
		const exited = new Promise((resolve) => child.once('exit', resolve));
		try {
			await waitFor(() => got.includes('from-child'), { what: 'the child’s message', timeoutMs: 30_000 });
			// The child took far longer to start than the closed instance's key (deleted at close) takes to be missed:
			// its goodbye spared a resync.
			expect(gaps).toBe(0);
		} finally {
			child.kill('SIGKILL');
			await exited;
		}
		await waitFor(() => gaps === 1, { what: 'a resync after the crash' });
	} finally {
		await b.close();
	}
});
