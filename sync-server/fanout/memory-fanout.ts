// The in-process Fanout (DESIGN §6): a hub whose connected Fanouts see each other's messages, so several relays in
// one process behave as instances sharing a bus. The contract suite's reference implementation; the hub can be made
// unreachable to play an outage (publish rejects; every connected Fanout's onGap fires when it comes back).
import { randomUUID } from 'node:crypto';
import { FanoutUnavailableError, type Fanout, type FanoutMessage } from './fanout';
import { readFanoutMessageError } from './fanout-message';

export interface MemoryHub {
	/** A new instance on the hub. */
	connect(): Fanout;
	/** Plays an outage (false) or its end (true, which fires onGap on every connected Fanout). */
	setReachable(reachable: boolean): void;
}

interface Member {
	instanceId: string;
	subscribers: Set<(message: FanoutMessage) => void>;
	gapListeners: Set<() => void>;
}

export function createMemoryHub(): MemoryHub {
	const members = new Set<Member>();
	let reachable = true;

	// Delivery is asynchronous (as over a network) and in publish order: microtasks run first in, first out.
	const deliver = (from: Member, message: FanoutMessage) => {
		for (const member of members) {
			if (member === from) continue;
			queueMicrotask(() => {
				if (!members.has(member)) return;
				for (const fn of member.subscribers) fn(message);
			});
		}
	};

	return {
		setReachable(value) {
			const back = value && !reachable;
			reachable = value;
			if (back) for (const member of members) queueMicrotask(() => member.gapListeners.forEach((fn) => fn()));
		},
		connect() {
			const member: Member = { instanceId: randomUUID(), subscribers: new Set(), gapListeners: new Set() };
			members.add(member);
			let closed = false;
			return {
				instanceId: member.instanceId,
				publish(message) {
					if (closed) return Promise.reject(new FanoutUnavailableError('fanout is closed'));
					const error = readFanoutMessageError(message);
					if (error) return Promise.reject(new TypeError(error));
					if (!reachable) return Promise.reject(new FanoutUnavailableError('the in-process hub is unreachable'));
					// A copy: the publisher may reuse its buffer, and a receiver must not see it change.
					deliver(member, { doc: message.doc, kind: message.kind, data: message.data.slice() });
					return Promise.resolve();
				},
				catchUp() {
					if (closed) return Promise.reject(new FanoutUnavailableError('fanout is closed'));
					if (!reachable) return Promise.reject(new FanoutUnavailableError('the in-process hub is unreachable'));
					// Deliveries are microtasks queued at publish time: all of them have run before the next macrotask.
					return new Promise((resolve) => setImmediate(resolve));
				},
				subscribe(fn) {
					member.subscribers.add(fn);
					return () => void member.subscribers.delete(fn);
				},
				onGap(fn) {
					member.gapListeners.add(fn);
					return () => void member.gapListeners.delete(fn);
				},
				async close() {
					closed = true;
					members.delete(member);
					member.subscribers.clear();
					member.gapListeners.clear();
				}
			};
		}
	};
}
