// y-websocket's provider sends every awareness change it applies, other people's included, back to the relay (which
// drops them as echoes): with N people on a document that is N times the traffic and relay work. This keeps it to
// the changes this client makes (y-websocket applies received ones with the provider as origin).
import type { WebsocketProvider } from 'y-websocket';

type AwarenessHandler = (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => void;

/** Makes `provider` send only its own awareness changes. Call once, right after creating it. */
export function stopAwarenessEcho(provider: WebsocketProvider): void {
	const send = (provider as unknown as { _awarenessUpdateHandler?: AwarenessHandler })._awarenessUpdateHandler;
	if (typeof send !== 'function') return; // another y-websocket: leave it as it is
	provider.awareness.off('update', send);
	provider.awareness.on('update', (change: Parameters<AwarenessHandler>[0], origin: unknown) => {
		if (origin !== provider) send(change, origin);
	});
}
