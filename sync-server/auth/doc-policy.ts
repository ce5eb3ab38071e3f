// What a signed-in socket may change inside a document that holds many resources, write by write (the relay's
// WritePolicy): in `workspace` and `registry`, EDIT on the experiment or registered model an entry belongs to
// (MANAGE to delete or restore it, a write-scoped token to create one), EDIT on the experiment of a saved view (made
// in the writer's own name); in `exp/<id>`, MANAGE to delete or restore a
// run; registry audit entries only in the writer's own name. The same levels as the HTTP routes.
import type * as Y from 'yjs';
import { allows, type Permission, type Principal } from '../../src/lib/core/access';
import type { Write, WritePolicy } from '../../src/lib/core/docs/update-guard';
import { readWriteOwner } from '../../src/lib/core/docs/write-owners';
import type { AccessControl } from './access-control';
import { createCommentPolicy } from './comment-policy';

const denied = (principal: Principal, have: Permission, need: Permission, what: string) =>
	`Permission denied: ${principal.user} has ${have} on ${what}, ${need} is needed`;

/** The policy for `docName`, or null when the socket's document-wide level already decides every write. */
export function createWritePolicy(control: AccessControl, principal: Principal, docName: string, level: Permission): WritePolicy | null {
	if (principal.tokenId === null) return null;
	// Comments are in their writer's name whoever writes them, admins included (comment-policy.ts).
	if (docName === 'registry/comments') return createCommentPolicy(control, principal, null);
	if (/^exp\/[0-9]+\/comments$/.test(docName)) return createCommentPolicy(control, principal, level);
	if (principal.admin && principal.scope !== 'read') return null;
	const exp = /^exp\/([0-9]+)$/.exec(docName);
	if (exp) {
		if (allows(level, 'MANAGE')) return null;
		return (write: Write, doc: Y.Doc) => {
			const owner = readWriteOwner('experiment', write, doc, exp[1]);
			return owner.kind === 'experiment' && owner.removes ? denied(principal, level, 'MANAGE', `experiment ${exp[1]} (deleting or restoring a run)`) : null;
		};
	}
	if (docName !== 'workspace' && docName !== 'registry') return null;
	const kind = docName === 'workspace' ? 'workspace' : 'registry';

	return (write: Write, doc: Y.Doc) => {
		const owner = readWriteOwner(kind, write, doc);
		switch (owner.kind) {
			case 'other':
				return null; // the schema alone decides (e.g. fields no entry owns)
			case 'audit':
				return owner.entries.every((e) => (e as { who?: unknown } | null)?.who === principal.user)
					? null
					: `Permission denied: audit entries are recorded in the writer's own name (${principal.user})`;
			case 'view': {
				if (owner.createdBy !== undefined && owner.createdBy !== principal.user) {
					return `Permission denied: views are saved in the writer's own name (${principal.user})`;
				}
				if (owner.experimentId === null) return principal.scope === 'read' ? `Permission denied: token scope 'read' cannot save views` : null;
				const have = control.levelOn(principal, 'experiment', owner.experimentId);
				return allows(have, 'EDIT') ? null : denied(principal, have, 'EDIT', `experiment ${owner.experimentId} (its saved views)`);
			}
			case 'experiment':
			case 'registered_model': {
				const resource = owner.kind === 'experiment' ? owner.id : owner.name;
				if (owner.created || resource === null) return principal.scope === 'read' ? `Permission denied: token scope 'read' cannot create` : null;
				const what = owner.kind === 'experiment' ? `experiment ${resource}` : `registered model '${resource}'`;
				const have = control.levelOn(principal, owner.kind, resource);
				const need: Permission = owner.removes ? 'MANAGE' : 'EDIT';
				return allows(have, need) ? null : denied(principal, have, need, what);
			}
		}
	};
}
