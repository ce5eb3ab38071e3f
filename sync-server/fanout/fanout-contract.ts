// The Fanout contract suite: one set of vitest cases every Fanout implementation must pass. Rules:
// [FO1] a message reaches every other instance, its bytes intact  [FO2] an instance never receives its own messages
// [FO3] one publisher's messages arrive in publish order, exactly once  [FO4] several publishers at once: each one's order holds
// [FO5] unsubscribing stops delivery to that listener  [FO6] close: publishing afterwards rejects, nothing more arrives
// [FO7] invalid messages are refused  [FO8] an outage: publish rejects with FanoutUnavailableError; once the bus is
// back every instance's onGap fires and messages flow again  [FO9] catchUp: once it resolves, everything the bus had
// accepted before the call has been delivered; on a closed instance it rejects
import { afterEach, describe, expect, it } from 'vitest';
import { FanoutUnavailableError, type Fanout, type FanoutMessage } from './fanout';

export interface FanoutFixture {
	/** A new instance on the shared bus. */
	connect(): Promise<Fanout>;
	/** Makes the bus unreachable and resolves once a publish would fail. */
	outage(): Promise<void>;
	/** Brings the bus back. */
	restore(): Promise<void>;
	/** Closes what is still open and stops the bus. */
	cleanup(): Promise<void>;
}

/** Resolves once `check()` holds, polling every 5 ms; rejects after `timeoutMs` naming `what`. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

/** Records every message an instance receives. */
function record(fanout: Fanout): FanoutMessage[] {
	const got: FanoutMessage[] = [];
	fanout.subscribe((m) => got.push(m));
	return got;
}

const update = (doc: string, ...bytes: number[]): FanoutMessage => ({ doc, kind: 'update', data: new Uint8Array(bytes) });
const seqOf = (m: FanoutMessage) => new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength).getUint32(0);
const numbered = (doc: string, i: number): FanoutMessage => {
	const data = new Uint8Array(4);
	new DataView(data.buffer).setUint32(0, i);
	return { doc, kind: 'update', data };
};

export function runFanoutContract(name: string, make: () => Promise<FanoutFixture>): void {
	describe(`Fanout contract: ${name}`, () => {
		let fx: FanoutFixture | null = null;
		const open = async () => (fx = await make());
		afterEach(async () => {
			await fx?.cleanup();
			fx = null;
		});

		it('[FO1] a message reaches every other instance, its bytes intact', async () => {
			const bus = await open();
			const [a, b, c] = [await bus.connect(), await bus.connect(), await bus.connect()];
			expect(new Set([a.instanceId, b.instanceId, c.instanceId]).size).toBe(3);
			const [gotB, gotC] = [record(b), record(c)];
			// Every byte value, zeros and a high-bit tail: no text encoding may touch them.
			const data = new Uint8Array(300).map((_, i) => (i * 7) % 256);
			data[0] = 0;
			data[299] = 255;
			await a.publish({ doc: 'exp/abc/live', kind: 'update', data });
			await a.publish({ doc: 'workspace', kind: 'awareness', data: new Uint8Array([1, 0, 2]) });
			await a.publish({ doc: 'empty', kind: 'update', data: new Uint8Array(0) });
			await until(() => gotB.length === 3 && gotC.length === 3, 'three messages on both instances');
			for (const got of [gotB, gotC]) {
				expect(got.map((m) => [m.doc, m.kind])).toEqual([
					['exp/abc/live', 'update'],
					['workspace', 'awareness'],
					['empty', 'update']
				]);
				expect(got[0].data).toBeInstanceOf(Uint8Array);
				expect([...got[0].data]).toEqual([...data]);
				expect([...got[1].data]).toEqual([1, 0, 2]);
				expect(got[2].data.byteLength).toBe(0);
			}
		});

		it('[FO2] an instance never receives its own messages', async () => {
			const bus = await open();
			const [a, b] = [await bus.connect(), await bus.connect()];
			const [gotA, gotB] = [record(a), record(b)];
			await a.publish(update('d', 1));
			await b.publish(update('d', 2));
			await until(() => gotA.length === 1 && gotB.length === 1, 'one message each');
			// A last round trip: anything A would wrongly get back from its own publish has arrived by now.
			await b.publish(update('d', 3));
			await until(() => gotA.length === 2, 'the last message');
			expect(gotA.map((m) => m.data[0])).toEqual([2, 3]);
			expect(gotB.map((m) => m.data[0])).toEqual([1]);
		});

		it('[FO3] one publisher: publish order, exactly once', async () => {
			const bus = await open();
			const [a, b] = [await bus.connect(), await bus.connect()];
			const got = record(b);
			const n = 2_000;
			// Published without waiting for each other: the order is the order of the calls.
			await Promise.all(Array.from({ length: n }, (_, i) => a.publish(numbered(`doc${i % 7}`, i))));
			await until(() => got.length >= n, `${n} messages`);
			await a.publish(update('sentinel', 0));
			await until(() => got.some((m) => m.doc === 'sentinel'), 'the sentinel');
			expect(got.length).toBe(n + 1);
			expect(got.slice(0, n).map(seqOf)).toEqual(Array.from({ length: n }, (_, i) => i));
			expect(got.slice(0, n).map((m) => m.doc)).toEqual(Array.from({ length: n }, (_, i) => `doc${i % 7}`));
		});

		it('[FO4] several publishers at once: each one keeps its order', async () => {
			const bus = await open();
			const [a, b, c] = [await bus.connect(), await bus.connect(), await bus.connect()];
			const got = record(c);
			const n = 500;
			await Promise.all([
				...Array.from({ length: n }, (_, i) => a.publish(numbered('from-a', i))),
				...Array.from({ length: n }, (_, i) => b.publish(numbered('from-b', i)))
			]);
			await until(() => got.length === 2 * n, `${2 * n} messages`);
			for (const doc of ['from-a', 'from-b']) {
				expect(got.filter((m) => m.doc === doc).map(seqOf)).toEqual(Array.from({ length: n }, (_, i) => i));
			}
		});

		it('[FO5] unsubscribing stops delivery to that listener only', async () => {
			const bus = await open();
			const [a, b] = [await bus.connect(), await bus.connect()];
			const kept = record(b);
			const dropped: FanoutMessage[] = [];
			const off = b.subscribe((m) => dropped.push(m));
			await a.publish(update('d', 1));
			await until(() => dropped.length === 1 && kept.length === 1, 'the first message');
			off();
			await a.publish(update('d', 2));
			await until(() => kept.length === 2, 'the second message');
			expect(dropped.length).toBe(1);
		});

		it('[FO6] close: publishing afterwards rejects, and nothing more arrives', async () => {
			const bus = await open();
			const [a, b, c] = [await bus.connect(), await bus.connect(), await bus.connect()];
			const [gotB, gotC] = [record(b), record(c)];
			await b.close();
			await expect(b.publish(update('d', 1))).rejects.toBeInstanceOf(FanoutUnavailableError);
			await a.publish(update('d', 2));
			await until(() => gotC.length === 1, 'the message on the open instance');
			expect(gotB).toEqual([]);
			await a.close();
			await a.close();
		});

		it('[FO7] invalid messages are refused', async () => {
			const bus = await open();
			const a = await bus.connect();
			const bad = [
				{ doc: '', kind: 'update', data: new Uint8Array(1) },
				{ doc: 'd', kind: 'other', data: new Uint8Array(1) },
				{ doc: 'd', kind: 'update', data: [1, 2] }
			] as unknown as FanoutMessage[];
			for (const m of bad) await expect(a.publish(m)).rejects.toBeInstanceOf(TypeError);
		});

		it('[FO9] catchUp: everything accepted before the call has been delivered when it resolves', async () => {
			const bus = await open();
			const [a, b] = [await bus.connect(), await bus.connect()];
			const got = record(b);
			await b.catchUp(); // nothing published: resolves
			for (let round = 1; round <= 20; round++) {
				await Promise.all(Array.from({ length: 10 }, (_, i) => a.publish(numbered('d', round * 10 + i))));
				await b.catchUp();
				expect(got.length).toBe(round * 10);
			}
			await a.catchUp(); // its own messages only: resolves too
			await b.close();
			await expect(b.catchUp()).rejects.toBeInstanceOf(FanoutUnavailableError);
		});

		it('[FO8] an outage: publish rejects, onGap fires on every instance when the bus is back, messages flow again', async () => {
			const bus = await open();
			const [a, b] = [await bus.connect(), await bus.connect()];
			const gotB = record(b);
			const gaps = { a: 0, b: 0 };
			a.onGap(() => gaps.a++);
			b.onGap(() => gaps.b++);
			await bus.outage();
			await expect(a.publish(update('lost', 1))).rejects.toBeInstanceOf(FanoutUnavailableError);
			await bus.restore();
			await until(() => gaps.a > 0 && gaps.b > 0, 'onGap on both instances');
			// The bus takes publishes again once the instance reconnected.
			await until(
				() => a.publish(update('after', 2)).then(() => true, () => false),
				'a publish after the outage'
			);
			await until(() => gotB.some((m) => m.doc === 'after'), 'a message after the outage');
		});
	});
}
