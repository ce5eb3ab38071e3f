// SvelteKit config: an SPA that the Tandem server serves from build/. Pages are rendered in the browser from local
// Yjs documents; only the runs table (experiments/[id]) also renders its first screen on the server, so a first
// visit paints rows before the app's script has run. The adapter writes the static SPA (build/, index.html as the
// fallback every other path gets) and the server renderer beside it (build-server/, read by sync-server/http/ssr.ts).
import adapterStatic from '@sveltejs/adapter-static';
import { writeFileSync } from 'node:fs';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

const spa = adapterStatic({ pages: 'build', assets: 'build', fallback: 'index.html', strict: false });

/** adapter-static, plus SvelteKit's server renderer and its manifest in build-server/. */
const adapter = {
	name: 'tandem',
	async adapt(builder) {
		await spa.adapt(builder);
		const out = 'build-server';
		builder.rimraf(out);
		builder.writeServer(out);
		writeFileSync(`${out}/manifest.js`, `export const manifest = ${builder.generateManifest({ relativePath: './' })};\n`);
	}
};

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// One script for the whole app: a first visit loads it in one round trip instead of a waterfall of route chunks.
		output: { bundleStrategy: 'single' },
		adapter,
		// Registered by the root layout once the first page has settled (src/lib/client/service-worker.ts).
		serviceWorker: { register: false }
	}
};

export default config;
