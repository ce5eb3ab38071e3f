// Ambient types for the SvelteKit app.
declare global {
	namespace App {
		/** Given by the Tandem server to the pages it renders (sync-server/http/ssr.ts). */
		interface Platform {
			/** Where the rendering process answers its own API, e.g. http://127.0.0.1:5000. */
			apiOrigin: string;
		}
	}
}
export {};
