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
