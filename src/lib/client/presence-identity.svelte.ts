// Who this tab is to others: the signed-in user when the server has users (the relay writes that name over whatever
// a socket claims), else the display name this browser chose (shared with the registry's audit log); and a colour,
// picked here and kept in localStorage, or one derived from the name.
import { defaultPresenceColor, readColor } from '$lib/core/presence/state';
import { readSession } from './auth.svelte';
import { readDisplayName } from './registry-user.svelte';

const COLOR_KEY = 'tandem:presence-color';

function readStoredColor(): string | null {
	try {
		const v = localStorage.getItem(COLOR_KEY);
		return v !== null && readColor(v) === v.toLowerCase() ? v.toLowerCase() : null;
	} catch {
		return null; // storage blocked
	}
}

class PresenceIdentity {
	#picked = $state<string | null>(readStoredColor());
	readonly #session = readSession();
	readonly #display = readDisplayName();

	get signedIn(): boolean {
		return this.#session.state === 'signed-in' && this.#session.identity !== null;
	}
	get name(): string {
		return this.signedIn ? this.#session.identity!.user : this.#display.current;
	}
	get color(): string {
		return this.#picked ?? defaultPresenceColor(this.name);
	}
	setName(name: string): void {
		this.#display.set(name);
	}
	setColor(color: string): void {
		this.#picked = readColor(color);
		try {
			localStorage.setItem(COLOR_KEY, this.#picked);
		} catch {
			// kept for this page only
		}
	}
}

let identity: PresenceIdentity | null = null;

/** The page's presence identity, created on first use (browser only). */
export function readPresenceIdentity(): PresenceIdentity {
	identity ??= new PresenceIdentity();
	return identity;
}
