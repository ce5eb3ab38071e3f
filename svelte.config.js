// SvelteKit config: a static SPA (no SSR) that the Tandem server serves from build/.
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// One script for the whole app: a first visit loads it in one round trip instead of a waterfall of route chunks.
		output: { bundleStrategy: 'single' },
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: false }),
		// Registered by the root layout once the first page has settled (src/lib/client/service-worker.ts).
		serviceWorker: { register: false }
	}
};

export default config;
