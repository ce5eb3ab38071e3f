// Which instances on the Redis fanout are alive: each refreshes a key with a short TTL; the others learn of it from
// its stream entries and, when its key lapses without its goodbye entry (a crash), resync: what it committed last
// may never have been published.
export const ALIVE_KEY_PREFIX = 'tandem:fanout:alive:';

export interface LivenessOptions {
	/** The publishing connection (never blocked): SET and EXISTS go there. */
	client: { sendCommand(args: string[]): Promise<unknown> };
	instanceId: string;
	/** A key unrefreshed this long means its instance is gone (default 3 000 ms; refreshed every third of it). */
	ttlMs?: number;
	onDead(instanceId: string): void;
}

export function watchLiveness(opts: LivenessOptions) {
	const ttlMs = opts.ttlMs ?? 3_000;
	const own = ALIVE_KEY_PREFIX + opts.instanceId;
	/** Other instances seen publishing, not yet said goodbye. */
	const peers = new Set<string>();
	const refresh = () => opts.client.sendCommand(['SET', own, '1', 'PX', String(ttlMs)]).catch(() => {});
	const check = async () => {
		for (const id of [...peers]) {
			const exists = await opts.client.sendCommand(['EXISTS', ALIVE_KEY_PREFIX + id]).catch(() => null);
			// null: Redis did not answer (an outage is a gap of its own); 0: the instance stopped refreshing.
			if (exists === 0 && peers.delete(id)) opts.onDead(id);
		}
	};
	void refresh();
	const timer = setInterval(() => {
		void refresh();
		void check();
	}, Math.max(10, Math.floor(ttlMs / 3)));
	timer.unref();
	return {
		/** An entry of `id` was read (it publishes, so its crash matters). */
		seen(id: string): void {
			peers.add(id);
		},
		/** `id` said goodbye: it closed after publishing everything. */
		left(id: string): void {
			peers.delete(id);
		},
		/** Stops refreshing and removes this instance's key. */
		async stop(): Promise<void> {
			clearInterval(timer);
			await opts.client.sendCommand(['DEL', own]).catch(() => {});
		}
	};
}
