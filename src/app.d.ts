// Ambient types for the SvelteKit app.
declare global {
	namespace App {}
}
export {};
