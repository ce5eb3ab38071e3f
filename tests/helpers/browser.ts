// Headless Chromium for e2e tests: Debian's /usr/bin/chromium driven by playwright-core with the flags these
// machines need (DESIGN.md §5); one browser per test file, a fresh context (storage, service worker) per test.
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TANDEM_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
] as const;

export function launchBrowser(): Promise<Browser> {
	return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
}

export interface TestPage {
	context: BrowserContext;
	page: Page;
	/** Console errors and uncaught page errors seen so far (assert it is empty at the end of a test). */
	errors: string[];
	close(): Promise<void>;
}

/** A fresh context and page on `browser`, collecting console errors and page errors. */
export async function openTestPage(browser: Browser, opts: { viewport?: { width: number; height: number } } = {}): Promise<TestPage> {
	const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1200, height: 700 } });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('console', (m: ConsoleMessage) => {
		if (m.type() === 'error') errors.push(`console: ${m.text()}`);
	});
	page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
	return { context, page, errors, close: () => context.close() };
}

/** Waits until the first element matching `selector` has exactly `text` (trimmed) as its text. */
export async function waitForText(page: Page, selector: string, text: string, timeoutMs = 10_000): Promise<void> {
	try {
		await page.waitForFunction(
			([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want,
			[selector, text] as const,
			{ timeout: timeoutMs }
		);
	} catch (e) {
		const actual = await page.locator(selector).first().textContent({ timeout: 100 }).catch(() => null);
		throw new Error(`'${selector}' did not read '${text}' within ${timeoutMs} ms (it reads ${JSON.stringify(actual?.trim() ?? null)})`, { cause: e });
	}
}

/**
 * Resolves once every write y-indexeddb has queued on `tandem:<doc>` is committed: readwrite transactions on the
 * same object store run in creation order, so an empty one created now completes after them.
 */
export function flushIndexedDb(page: Page, docName: string): Promise<void> {
	return page.evaluate(
		(name) =>
			new Promise<void>((resolve, reject) => {
				const req = indexedDB.open(name);
				req.onerror = () => reject(req.error);
				req.onsuccess = () => {
					const tx = req.result.transaction('updates', 'readwrite');
					tx.oncomplete = () => (req.result.close(), resolve());
					tx.onerror = () => reject(tx.error);
				};
			}),
		`tandem:${docName}`
	);
}
