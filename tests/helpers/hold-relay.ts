// Holds back what the relay sends a page for one document, so a test can see what the page shows before that
// document loads (a first screen), then let it through.
import type { Page } from 'playwright-core';

/** Routes the page's socket for `docName` through a hold; call the returned function to pass its messages on. */
export async function holdRelayMessages(page: Page, docName: string): Promise<() => void> {
	let release!: () => void;
	const released = new Promise<void>((resolve) => (release = resolve));
	await page.routeWebSocket(
		(url) => url.pathname === `/sync/${docName}`,
		(ws) => {
			const relay = ws.connectToServer();
			relay.onMessage((m) => void released.then(() => ws.send(m)));
		}
	);
	return release;
}
