// The name this browser records as "who" in the registry's audit log (there is no sign-in yet): kept in
// localStorage, 'web' until the user sets one.
import { normalizeDisplayName } from '$lib/core/registry-view';

const STORAGE_KEY = 'tandem:display-name';

function readStoredName(): string {
	try {
		return normalizeDisplayName(localStorage.getItem(STORAGE_KEY));
	} catch {
		return normalizeDisplayName(null); // storage blocked (private mode, sandboxed frame)
	}
}

class DisplayName {
	current = $state(readStoredName());

	/** Sets and stores the name (normalised; empty means the default). */
	set(name: string): void {
		this.current = normalizeDisplayName(name);
		try {
			localStorage.setItem(STORAGE_KEY, this.current);
		} catch {
			// not persisted; the name still holds for this page
		}
	}
}

let displayName: DisplayName | null = null;

/** The page's display name, created on first use. */
export function readDisplayName(): DisplayName {
	displayName ??= new DisplayName();
	return displayName;
}
