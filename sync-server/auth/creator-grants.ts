// The creator of an experiment or registered model gets MANAGE on it (MLflow auth's rule) also when it is created
// in the app, over the relay: new entries of the workspace and registry documents are granted to the user of the
// socket whose update added them. (HTTP creates are granted by the route hook, http-gate.ts.)
import type * as Y from 'yjs';
import { docNames } from '../../src/lib/core/schema';
import { observeNewExperiments } from '../../src/lib/core/docs/workspace';
import { observeNewModels } from '../../src/lib/core/docs/registry';
import type { AuthStore } from './auth-store';

interface Events {
	on(event: 'room-loaded', fn: (...args: unknown[]) => void): () => void;
}

export function grantRelayCreators(relay: Events, store: AuthStore, log: (msg: string) => void = () => {}): () => void {
	const grant = (kind: 'experiment' | 'registered_model', resource: string, user: string) =>
		void store.setGrant(kind, resource, user, 'MANAGE').catch((e: Error) => log(`granting ${user} MANAGE on ${kind} '${resource}' failed: ${e.message}`));
	/** The user of a relay socket's token, from the transaction origin (a relay Connection carries its tag). */
	const userOf = (origin: unknown): string | null => {
		const tag = (origin as { tag?: unknown } | null)?.tag;
		if (typeof tag !== 'string') return null;
		const token = store.tokens().find((t) => t.id === tag);
		return token && store.getUser(token.user) ? token.user : null;
	};
	return relay.on('room-loaded', (name, doc) => {
		if (name === docNames.workspace) {
			observeNewExperiments(doc as Y.Doc, (id, origin) => {
				const user = userOf(origin);
				if (user) grant('experiment', id, user);
			});
		} else if (name === docNames.registry) {
			observeNewModels(doc as Y.Doc, (model, origin) => {
				const user = userOf(origin);
				if (user) grant('registered_model', model, user);
			});
		}
	});
}
