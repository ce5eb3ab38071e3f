// Vite config for the SvelteKit app; the dev server proxies API and relay traffic to a running Tandem server.
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const target = process.env.TANDEM_DEV_TARGET ?? 'http://127.0.0.1:5000';

export default defineConfig({
	plugins: [sveltekit()],
	server: {
		proxy: {
			'/api': target,
			'/ajax-api': target,
			'/sync': { target: target.replace(/^http/, 'ws'), ws: true }
		}
	}
});
