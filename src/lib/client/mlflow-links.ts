// MLflow's own UI links (`/#/experiments/<id>/runs/<runId>`, `/#/models/<name>/versions/<n>`, …), which the
// MLflow client prints after every run ("View run at …"), mapped to Tandem's pages so those links just work.

/** The Tandem path for an MLflow UI hash route (`#/…`), or null when the hash is not one. */
export function readMlflowHashRoute(hash: string): string | null {
	const m = /^#\/(experiments|models)(?:\/([^/?#]+))?(?:\/(runs|versions)\/([^/?#]+))?\/?(?:[?#].*)?$/.exec(hash);
	if (!m) return null;
	const [, kind, id, sub, subId] = m;
	let decoded: string | undefined;
	try {
		decoded = id === undefined ? undefined : decodeURIComponent(id);
	} catch {
		return null;
	}
	const seg = (s: string) => encodeURIComponent(s);
	if (kind === 'experiments') {
		if (sub === 'runs' && subId !== undefined) return /^[0-9a-f]{32}$/.test(subId) ? `/runs/${subId}` : null;
		if (sub !== undefined) return null;
		return decoded === undefined ? '/' : `/experiments/${seg(decoded)}`;
	}
	if (sub === 'runs') return null;
	if (decoded === undefined) return '/models';
	if (sub === 'versions') return /^[1-9][0-9]*$/.test(subId!) ? `/models/${seg(decoded)}/${subId}` : null;
	return `/models/${seg(decoded)}`;
}
