// What the load bench reads beside latency (Linux /proc): a process's RSS and CPU time, the CPU the rest of the
// machine used meanwhile (others' builds and tests compete for the same cores), and the server's own stalls as the
// round trip of GET /healthz.
import { readFile } from 'node:fs/promises';

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

/** `pid`'s resident memory (MiB) and the CPU time it has used (ms). */
export async function readProc(pid: number): Promise<{ rssMiB: number; cpuMs: number }> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	return { rssMiB: Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024, cpuMs: await readCpuMs(pid) };
}

async function readCpuMs(pid: number | 'self'): Promise<number> {
	try {
		const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
	} catch {
		return 0; // exited
	}
}

/** CPU time (ms) the whole machine spent busy (all cores), from /proc/stat. */
async function readMachineBusyMs(): Promise<number> {
	const [, ...ticks] = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).map(Number);
	const [user, nice, system, , , irq, softirq, steal] = ticks;
	return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

/**
 * Samples once a second, until stop(), the CPU that processes other than `pids` (and this one) used, in cores:
 * 1.0 = one core busy all second with someone else's work.
 */
export function sampleOthersCpu(pids: number[]): { stop(): Promise<number[]> } {
	let stopped = false;
	const perSecond: number[] = [];
	const ours = async () => (await Promise.all([...pids, 'self' as const].map(readCpuMs))).reduce((a, b) => a + b, 0);
	const done = (async () => {
		let last = { busy: await readMachineBusyMs(), ours: await ours(), at: performance.now() };
		while (!stopped) {
			await sleep(1000);
			const now = { busy: await readMachineBusyMs(), ours: await ours(), at: performance.now() };
			perSecond.push(Math.max(0, now.busy - last.busy - (now.ours - last.ours)) / (now.at - last.at));
			last = now;
		}
	})();
	return {
		async stop() {
			stopped = true;
			await done;
			return perSecond;
		}
	};
}

/** Times GET /healthz every `everyMs` until `endAt` (performance.now()): how long the server kept a request waiting. */
export async function probeServer(url: string, endAt: number, everyMs = 20): Promise<number[]> {
	const rtts: number[] = [];
	while (performance.now() < endAt) {
		const t = performance.now();
		try {
			await (await fetch(`${url}/healthz`)).text();
			rtts.push(performance.now() - t);
		} catch {
			rtts.push(Infinity);
		}
		await sleep(Math.max(0, everyMs - (performance.now() - t)));
	}
	return rtts;
}
