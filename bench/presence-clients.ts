// A client process of the presence bench (bench/presence.ts forks it over IPC): simulated people, each a y-websocket
// provider on the workspace document with a presence state like the app's, moving their pointer over a chart as the
// app sends it (one hover update per HOVER_SEND_MS at most, no echo of others' states), and counting the bytes each
// socket sends and receives.
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import type { PresenceState } from '../src/lib/core/presence/state';
import { HOVER_SEND_MS } from '../src/lib/core/presence/state';
import { stopAwarenessEcho } from '../src/lib/client/awareness-echo';

export type PresenceCommand = { type: 'start'; wsUrl: string; people: number; offset: number } | { type: 'move'; on: boolean } | { type: 'count' } | { type: 'stop' };
export type PresenceReport = { type: 'ready' } | { type: 'moving' } | { type: 'counts'; sent: number; received: number; peersSeen: number };

process.setMaxListeners(0); // y-websocket adds a process 'exit' listener per provider
const send = (r: PresenceReport) => process.send!(r);
let sent = 0;
let received = 0;

/** A WebSocket that counts the bytes of every frame it sends and receives. */
class CountingSocket extends WebSocket {
	constructor(url: string) {
		super(url);
		this.on('message', (data: Buffer) => (received += data.byteLength));
		const raw = this.send.bind(this);
		this.send = ((data: Uint8Array, ...rest: unknown[]) => {
			sent += data.byteLength;
			(raw as (...a: unknown[]) => void)(data, ...rest);
		}) as typeof this.send;
	}
}

const providers: WebsocketProvider[] = [];
let timer: ReturnType<typeof setInterval> | null = null;
let offset = 0;

function stateOf(i: number, x: number): PresenceState {
	return {
		user: { name: `Person ${i}`, color: '#2563eb' },
		page: '/experiments/1?tab=charts&sel=0123456789abcdef0123456789abcdef',
		title: 'sweep-lr · Tandem',
		selected: ['0123456789abcdef0123456789abcdef'],
		hover: { chart: 'train/loss', axis: 'step', x },
		zoom: null,
		session: null
	};
}

process.on('message', async (cmd: PresenceCommand) => {
	if (cmd.type === 'start') {
		offset = cmd.offset;
		for (let i = 0; i < cmd.people; i++) {
			const p = new WebsocketProvider(cmd.wsUrl, 'workspace', new Y.Doc(), { WebSocketPolyfill: CountingSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
			stopAwarenessEcho(p); // as the app's providers do (documents.ts)
			p.awareness.setLocalState(stateOf(cmd.offset + i, 0));
			providers.push(p);
		}
		await Promise.all(providers.map((p) => new Promise<void>((resolve) => (p.synced ? resolve() : p.once('sync', () => resolve())))));
		send({ type: 'ready' });
	} else if (cmd.type === 'move') {
		if (timer) clearInterval(timer);
		timer = null;
		// Every person moves the pointer continuously; what the app sends of it is one update per HOVER_SEND_MS.
		if (cmd.on) timer = setInterval(() => providers.forEach((p, i) => p.awareness.setLocalState(stateOf(offset + i, Math.round(Math.random() * 10_000)))), HOVER_SEND_MS);
		send({ type: 'moving' });
	} else if (cmd.type === 'count') {
		send({ type: 'counts', sent, received, peersSeen: Math.min(...providers.map((p) => p.awareness.getStates().size)) });
	} else {
		if (timer) clearInterval(timer);
		for (const p of providers) p.destroy();
		process.exit(0);
	}
});
