// Who may write what in a comments document (`exp/<id>/comments`, `registry/comments`) when the server has users
// (docs/design.md, comments): comments are written, edited and deleted only in the writer's own name (an author may
// delete their own; MANAGE on the resource deletes anyone's), thread states are set in the writer's name; in the
// registry's, each write needs EDIT on the registered model its thread is about. In `exp/<id>/comments` the
// socket's EDIT on the experiment was checked when it opened.
import type * as Y from 'yjs';
import { allows, type Permission, type Principal } from '../../src/lib/core/access';
import type { CommentTarget } from '../../src/lib/core/comments/comment';
import { keepsIdentity, readCommentWrite } from '../../src/lib/core/docs/comment-writes';
import type { Write, WritePolicy } from '../../src/lib/core/docs/update-guard';
import type { AccessControl } from './access-control';

const notYours = (user: string, what: string) => `Permission denied: ${what} in the writer's own name only (${user})`;

/** The policy of a comments document; `level` is the socket's level on the experiment (null for the registry's). */
export function createCommentPolicy(control: AccessControl, principal: Principal, level: Permission | null): WritePolicy {
	const user = principal.user;
	/** The level on what a thread is about: the experiment's, or the registered model's. */
	const levelOn = (target: CommentTarget | undefined): Permission | null => {
		if (level !== null) return level;
		if (target?.kind === 'model' || target?.kind === 'version') return control.levelOn(principal, 'registered_model', target.name);
		return null;
	};
	const needEdit = (target: CommentTarget | undefined): string | null => {
		const have = levelOn(target);
		if (have === null) return 'Permission denied: registry comments are about a registered model or version';
		return allows(have, 'EDIT') ? null : `Permission denied: ${user} has ${have} on ${target && 'name' in target ? `registered model '${target.name}'` : 'this experiment'}, EDIT is needed`;
	};
	return (write: Write, doc: Y.Doc) => {
		const w = readCommentWrite(write, doc);
		switch (w.kind) {
			case 'other':
				return null; // the schema alone decides
			case 'comment': {
				if (!w.record) return null;
				if (w.stored && (w.stored.author !== user || !keepsIdentity(w.stored, w.record))) return notYours(user, 'comments are edited');
				if (w.record.author !== user) return notYours(user, 'comments are written');
				return needEdit(w.record.target);
			}
			case 'deletion': {
				if (!w.value) return null;
				if (w.value.by !== user) return notYours(user, 'deletions are recorded');
				// A comment created in the same update was checked as its own write; the registry's needs its model.
				if (!w.stored) return level === null ? 'Permission denied: that comment is not known to the server yet' : null;
				if (w.stored.author === user) return needEdit(w.stored.target);
				const have = levelOn(w.stored.target);
				return have !== null && allows(have, 'MANAGE') ? null : notYours(user, `comments are deleted (or with MANAGE): ${w.stored.author}'s comment`);
			}
			case 'state': {
				if (!w.value) return null;
				if (w.value.by !== user) return notYours(user, 'threads are resolved and reopened');
				if (!w.stored) return level === null ? 'Permission denied: that thread is not known to the server yet' : null;
				return needEdit(w.stored.target);
			}
		}
	};
}
