// The shared setup of a browser test file: the app built, one real server (port 0, fresh data dir) and one headless
// Chromium for the whole file, closed after it, plus a JSON POST against that server that fails loudly.
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureAppBuilt } from '../e2e/global-setup';
import { launchBrowser } from './browser';
import { callJson } from './http';
import { startTestServer, type TestServer } from './server';

export interface E2eContext {
	/** Available once the file's beforeAll ran. */
	readonly server: TestServer;
	readonly browser: Browser;
	/** POSTs `body` as JSON to the server and returns the answer; throws on any status but 200. */
	post<T = unknown>(path: string, body: unknown): Promise<T>;
}

/** Registers beforeAll/afterAll hooks for the calling test file and returns their shared context. */
export function useE2e(): E2eContext {
	let server: TestServer | undefined;
	let browser: Browser | undefined;
	beforeAll(async () => {
		await ensureAppBuilt();
		server = await startTestServer();
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.close();
	});
	const ready = <T>(v: T | undefined, what: string): T => {
		if (v === undefined) throw new Error(`${what} is not started yet: use it inside a test or hook`);
		return v;
	};
	return {
		get server() {
			return ready(server, 'the test server');
		},
		get browser() {
			return ready(browser, 'the browser');
		},
		async post<T>(path: string, body: unknown): Promise<T> {
			const { status, body: json } = await callJson(ready(server, 'the test server').url, 'POST', path, { body });
			if (status !== 200) throw new Error(`POST ${path} → ${status} ${JSON.stringify(json)}`);
			return json as T;
		}
	};
}
