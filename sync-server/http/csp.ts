// The app's Content-Security-Policy: scripts only from the server itself or inline with this response's nonce (the
// SPA's bootstrap and the first-screen script), no framing, no plugins, connections to this origin only (the API and
// the relay's WebSocket). Styles may be inline: Svelte writes style attributes and the first screen inlines its CSS.
import { randomBytes } from 'node:crypto';

export function contentSecurityPolicy(nonce: string): string {
	return [
		"default-src 'self'",
		`script-src 'self' 'nonce-${nonce}'`,
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"font-src 'self' data:",
		"connect-src 'self'",
		"worker-src 'self'",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'"
	].join('; ');
}

/** Scripts that run (not SvelteKit's `type="application/json"` data blocks, which CSP does not govern). */
const RUNNABLE_SCRIPT = /<script(?=[\s>])(?![^>]*type="application\/json")/g;

/** Gives every runnable `<script>` of `html` a fresh nonce; returns the page and the policy that admits exactly them. */
export function withScriptNonce(html: string): { html: string; policy: string } {
	const nonce = randomBytes(16).toString('base64');
	return { html: html.replace(RUNNABLE_SCRIPT, `<script nonce="${nonce}"`), policy: contentSecurityPolicy(nonce) };
}
