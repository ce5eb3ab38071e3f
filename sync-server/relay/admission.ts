// Who may keep a socket open (DESIGN §7): the `authorize` hook, asked at upgrade before the room loads, gives the
// socket its token tag and its right to write; sockets per tag are bounded; every socket of a tag can be closed at
// once (a revoked or expired token).
import type { IncomingMessage } from 'node:http';
import { CloseCode, type Connection } from './socket';
import type { Refusal } from './client-updates';
import type { WritePolicy } from '../../src/lib/core/docs/update-guard';

/**
 * The answer of `authorize`: admitted (read-only when `canWrite` is false; `tag` identifies the token, and
 * `readOnlyReason` is what a read-only socket is told when it writes), or refused with a close code (4401/4403:
 * y-websocket treats 4400–4499 as permanent) and a reason.
 */
export type Authorization =
	| { ok: true; canWrite: boolean; tag: string; readOnlyReason?: string; writePolicy?: WritePolicy; user?: string }
	| { ok: false; code: number; reason: string };

export type Authorize = (req: IncomingMessage, docName: string) => Promise<Authorization>;

export interface Admission {
	/** Asks `authorize` about `conn`, sets its tag and write right; resolves with why to close it, or null. */
	admit(conn: Connection, req: IncomingMessage): Promise<Refusal | null>;
	/** Forgets `conn` (it closed). */
	leave(conn: Connection): void;
	/** The admitted, still open sockets of `tag`. */
	tagged(tag: string): Connection[];
}

export function createAdmission(opts: { authorize?: Authorize; maxConnectionsPerTag: number }): Admission {
	const byTag = new Map<string, Set<Connection>>();

	const admit = async (conn: Connection, req: IncomingMessage): Promise<Refusal | null> => {
		if (!opts.authorize) return null;
		let answer: Authorization;
		try {
			answer = await opts.authorize(req, conn.docName);
		} catch (e) {
			return { code: CloseCode.internalError, reason: `could not authorize: ${(e as Error).message}` };
		}
		if (!answer.ok) return { code: answer.code, reason: answer.reason };
		if (conn.closed) return null;
		const sockets = byTag.get(answer.tag) ?? new Set<Connection>();
		if (sockets.size >= opts.maxConnectionsPerTag) {
			return { code: CloseCode.tooManyConnections, reason: `this token already has ${sockets.size} open sockets (the limit)` };
		}
		byTag.set(answer.tag, sockets.add(conn));
		conn.tag = answer.tag;
		conn.user = answer.user ?? null;
		conn.canWrite = answer.canWrite;
		if (!answer.canWrite) conn.readOnlyReason = answer.readOnlyReason ?? 'this connection may read but not write';
		conn.writePolicy = answer.writePolicy ?? null;
		return null;
	};

	return {
		admit,
		leave(conn) {
			if (conn.tag === null) return;
			const sockets = byTag.get(conn.tag);
			sockets?.delete(conn);
			if (sockets?.size === 0) byTag.delete(conn.tag);
		},
		tagged: (tag) => [...(byTag.get(tag) ?? [])].filter((c) => !c.closed)
	};
}
