// Who may open which document over the relay, and write to it (DESIGN.md §7): the upgrade's Host and Origin, its
// token (the `token` URL parameter, the sign-in cookie or an Authorization header), then READ on what the document
// belongs to to receive it and EDIT to write. The shared documents (workspace, registry) are checked write by write
// against the experiment or registered model each entry belongs to (doc-policy.ts).
import type { IncomingMessage } from 'node:http';
import { allows, effectivePermission, type Permission, type Principal } from '../../src/lib/core/access';
import type { AccessControl } from './access-control';
import type { OriginPolicy } from './origin-policy';
import { docRef } from './route-access';
import { createWritePolicy } from './doc-policy';
import type { WritePolicy } from '../../src/lib/core/docs/update-guard';

export type RelayAccess =
	| { ok: true; canWrite: boolean; tag: string; readOnlyReason?: string; writePolicy?: WritePolicy; principal: Principal; user?: string }
	| { ok: false; code: number; reason: string };

/** Close codes in y-websocket's permanent range (4400-4499): the provider stops reconnecting and reports why. */
export const RELAY_UNAUTHENTICATED = 4401;
export const RELAY_FORBIDDEN = 4403;

/**
 * The socket tag of a principal: its token id (sockets per token are bounded, and a revoked token's are closed). On
 * a server with no users there are no tokens to bound: each socket is its own tag.
 */
export const relayTag = (p: Principal, req: IncomingMessage) => p.tokenId ?? `local:${req.socket.remoteAddress}:${req.socket.remotePort}`;

export function createRelayAuth(opts: { control: AccessControl; origins: OriginPolicy }) {
	const { control } = opts;
	return async function authorize(req: IncomingMessage, docName: string): Promise<RelayAccess> {
		const originProblem = opts.origins.check(req.headers as Record<string, string | undefined>, true);
		if (originProblem) return { ok: false, code: RELAY_FORBIDDEN, reason: originProblem };
		const auth = control.authenticate(req, { allowUrlToken: true });
		if (!auth.ok) return { ok: false, code: RELAY_UNAUTHENTICATED, reason: auth.error.message };
		const principal = auth.principal;
		const tag = relayTag(principal, req);
		if (principal.tokenId === null) return { ok: true, canWrite: true, tag, principal };
		const user = principal.user; // what presence shows of this socket, whatever its states claim
		const ref = docRef(docName);
		let level: Permission;
		if (ref) level = await control.level(principal, ref);
		else level = effectivePermission(principal, undefined, control.defaultPermission);
		if (!allows(level, 'READ')) return { ok: false, code: RELAY_FORBIDDEN, reason: `Permission denied: ${principal.user} may not read ${docName}` };
		// The shared documents are written entry by entry, each checked against its experiment or model (doc-policy.ts).
		const shared = ref === null;
		const canWrite = principal.scope !== 'read' && (shared || allows(level, 'EDIT'));
		if (canWrite) return { ok: true, canWrite, tag, principal, user, writePolicy: createWritePolicy(control, principal, docName, level) ?? undefined };
		const why = principal.scope === 'read' ? `${principal.user}'s token has scope 'read'` : `${principal.user} has ${level} on ${docName}; EDIT is needed`;
		return { ok: true, canWrite: false, tag, principal, user, readOnlyReason: `Permission denied: ${why}` };
	};
}
