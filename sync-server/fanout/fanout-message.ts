// Checks a FanoutMessage before it is published, shared by every Fanout implementation.
import type { FanoutMessage } from './fanout';

const KINDS = new Set(['update', 'awareness']);

/** Why `message` cannot be published, or null. */
export function readFanoutMessageError(message: FanoutMessage): string | null {
	if (typeof message?.doc !== 'string' || message.doc.length === 0) return 'a fanout message needs a document name';
	if (!KINDS.has(message.kind)) return `unknown fanout message kind '${String(message.kind)}'`;
	if (!(message.data instanceof Uint8Array)) return 'fanout message data must be a Uint8Array';
	return null;
}
