// Who may open which document over the relay, and write to it (DESIGN.md §7): the upgrade's Host and Origin, its
// token (the `token` URL parameter, the sign-in cookie or an Authorization header), then READ on what the document
// belongs to to receive it and EDIT to write. The shared documents (workspace, registry) can be written only by
// those who may edit every experiment or model (the server-wide default is EDIT or more, or an admin); everyone else
// changes them through the API, which checks each entry.
import type { IncomingMessage } from 'node:http';
import { allows, effectivePermission, type Permission, type Principal } from '../../src/lib/core/access';
import type { AccessControl } from './access-control';
import type { OriginPolicy } from './origin-policy';
import { docRef } from './route-access';

export type RelayAccess = { ok: true; canWrite: boolean; tag: string; readOnlyReason?: string; principal: Principal } | { ok: false; code: number; reason: string };

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
		const ref = docRef(docName);
		let level: Permission;
		if (ref) level = await control.level(principal, ref);
		else {
			level = effectivePermission(principal, undefined, control.defaultPermission);
			// One grant below EDIT on any entry of a shared doc makes the whole doc read-only for that user.
			const kind = docName === 'registry' ? 'registered_model' : 'experiment';
			if (allows(level, 'EDIT') && control.restrictedOn(principal, kind, 'EDIT')) level = 'READ';
		}
		if (!allows(level, 'READ')) return { ok: false, code: RELAY_FORBIDDEN, reason: `Permission denied: ${principal.user} may not read ${docName}` };
		if (allows(level, 'EDIT')) return { ok: true, canWrite: true, tag, principal };
		const why =
			principal.scope === 'read'
				? `${principal.user}'s token has scope 'read'`
				: ref
					? `${principal.user} has ${level} on ${docName}; EDIT is needed`
					: `${docName} is shared by every experiment or model: writing it needs EDIT as the server-wide default (edit through the API instead)`;
		return { ok: true, canWrite: false, tag, principal, readOnlyReason: `Permission denied: ${why}` };
	};
}
