import { describe, expect, it } from 'vitest';
import { resolveArtifactLocation } from './artifact-location';

describe('resolveArtifactLocation', () => {
	it('makes relative local paths absolute against the working directory, as resolve_uri_if_local does', () => {
		expect(resolveArtifactLocation('my_location', '/srv/tandem')).toBe('/srv/tandem/my_location');
		expect(resolveArtifactLocation('./a//b', '/srv')).toBe('/srv/a/b');
		expect(resolveArtifactLocation('file:rel/dir', '/srv')).toBe('file:///srv/rel/dir');
		for (const kept of ['/abs/dir', 'file:///abs', 's3://bucket/path', 'mlflow-artifacts:/1']) expect(resolveArtifactLocation(kept, '/srv')).toBe(kept);
	});

	it("refuses fragments, params and '..' in the query with MLflow's messages", () => {
		expect(() => resolveArtifactLocation('s3://b/p#frag', '/')).toThrow("'artifact_location' URL can't include fragments or params.");
		expect(() => resolveArtifactLocation('s3://b/p;x=1', '/')).toThrow("'artifact_location' URL can't include fragments or params.");
		expect(() => resolveArtifactLocation('s3://b/p?x=%2e%2e/y', '/')).toThrow('Invalid query string');
	});
});
