// The light/dark theme: the user's choice (light, dark, or follow the system) persisted in localStorage, resolved
// against prefers-color-scheme and applied as `data-theme` on <html>, where +layout.svelte's CSS variables switch.

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'tandem:theme';
/** A light or dark choice is also kept in this cookie, so a page rendered on the server has it before any script runs. */
export const THEME_COOKIE = 'tandem-theme';

function writeThemeCookie(choice: ThemeChoice): void {
	document.cookie = choice === 'system' ? `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax` : `${THEME_COOKIE}=${choice}; path=/; max-age=31536000; samesite=lax`;
}

function readStoredChoice(): ThemeChoice {
	try {
		const v = localStorage.getItem(STORAGE_KEY);
		return (THEME_CHOICES as readonly string[]).includes(v ?? '') ? (v as ThemeChoice) : 'system';
	} catch {
		return 'system'; // storage blocked (private mode, sandboxed frame)
	}
}

class ThemeState {
	choice = $state<ThemeChoice>(readStoredChoice());
	#systemDark = $state(false);
	readonly resolved: Theme = $derived(this.choice === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.choice);

	constructor() {
		if (typeof matchMedia !== 'function') return; // rendering on the server: the browser resolves it
		const media = matchMedia('(prefers-color-scheme: dark)');
		this.#systemDark = media.matches;
		media.addEventListener('change', (e) => (this.#systemDark = e.matches));
		if (this.choice !== 'system') writeThemeCookie(this.choice); // a choice stored before the cookie existed
	}

	set(choice: ThemeChoice): void {
		this.choice = choice;
		writeThemeCookie(choice);
		try {
			if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
			else localStorage.setItem(STORAGE_KEY, choice);
		} catch {
			// not persisted; the choice still holds for this page
		}
	}
}

let theme: ThemeState | null = null;

/** The page's theme state, created on first use. Apply `resolved` to the document in an effect. */
export function readTheme(): ThemeState {
	theme ??= new ThemeState();
	return theme;
}
