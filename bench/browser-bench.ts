// What the browser benchmarks share: a JSON POST that fails loudly, reading the page's `tandem:` performance
// measures, waiting for a freshly seeded server to go quiet, and small statistics.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';

export async function post<T>(base: string, p: string, body: unknown): Promise<T> {
	const res = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const json = await res.json();
	if (!res.ok) throw new Error(`POST ${p} → ${res.status} ${JSON.stringify(json)}`);
	return json as T;
}

/**
 * Waits for the next entry of the measure `name` past the first `seen` ones; returns its duration in ms. The page
 * reports it (a PerformanceObserver): Playwright's waitForFunction would inject its large polling script into the
 * page, whose compile competes with the page's own first paint.
 */
export async function readMeasure(page: Page, name: string, seen: number, timeoutMs = 120_000): Promise<number> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no measure '${name}' #${seen + 1} within ${timeoutMs} ms`)), timeoutMs);
	});
	// One anonymous callback (tsx would wrap a named inner function in a helper the page does not have); `buffered`
	// reports the entries already there at once.
	const reported = page.evaluate(
		([n, k]) =>
			new Promise<number>((resolve) => {
				const observer = new PerformanceObserver(() => {
					const entries = performance.getEntriesByName(n, 'measure');
					if (entries.length <= k) return;
					observer.disconnect();
					resolve(entries[k].duration);
				});
				observer.observe({ type: 'measure', buffered: true });
			}),
		[name, seen] as const
	);
	try {
		return await Promise.race([reported, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** CPU time (ms) a process has used, from /proc (Linux); null elsewhere. */
async function readCpuMs(pid: number): Promise<number | null> {
	try {
		const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
	} catch {
		return null;
	}
}

/**
 * Waits (up to `timeoutMs`) until the server has used under 5% of a core for a second: after seeding it compacts
 * and unloads rooms, which would otherwise compete with the browser being measured.
 */
export async function waitForQuietServer(pid: number, timeoutMs = 120_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = await readCpuMs(pid);
	while (last !== null && Date.now() < deadline) {
		await new Promise((r) => setTimeout(r, 1000));
		const now = await readCpuMs(pid);
		if (now === null || now - last < 50) return;
		last = now;
	}
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The q-quantile (0..1) by nearest rank. */
export const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];
export const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
