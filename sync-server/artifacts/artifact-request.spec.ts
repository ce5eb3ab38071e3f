// Parsing MLflow artifact locations: the `<exp>/<run>/artifacts/<path>` form and every unsafe path refused.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lib/core/errors';
import { decodePath, parseArtifactLocation } from './artifact-request';

const RUN = 'ab'.repeat(16);

function refusal(f: () => unknown): string {
	try {
		f();
	} catch (e) {
		expect(e).toBeInstanceOf(ApiError);
		expect((e as ApiError).code).toBe('INVALID_PARAMETER_VALUE');
		return (e as ApiError).message;
	}
	throw new Error('expected a refusal');
}

describe('parseArtifactLocation', () => {
	it('reads experiment, run and a canonical artifact path', () => {
		expect(parseArtifactLocation(`12/${RUN}/artifacts/dir//./f.txt`)).toEqual({ experimentId: '12', ownerId: RUN, path: 'dir/f.txt' });
		expect(parseArtifactLocation(`0/${RUN}/artifacts`, { allowEmpty: true })).toEqual({ experimentId: '0', ownerId: RUN, path: '' });
		expect(parseArtifactLocation(`0/${RUN}/artifacts/model/`, { allowEmpty: true }).path).toBe('model');
	});

	it('refuses traversal, absolute paths, control characters and other shapes', () => {
		expect(refusal(() => parseArtifactLocation(`0/${RUN}/artifacts/../x`))).toContain('".." segments');
		expect(refusal(() => parseArtifactLocation(decodePath(`0/${RUN}/artifacts/a/%2e%2e/%2E%2E/x`)))).toContain('".." segments');
		expect(refusal(() => parseArtifactLocation(`0/${RUN}/artifacts//etc/passwd`))).toContain('absolute');
		expect(refusal(() => parseArtifactLocation(decodePath(`0/${RUN}/artifacts/%2Fetc%2Fpasswd`)))).toContain('absolute');
		expect(refusal(() => parseArtifactLocation(`0/${RUN}/artifacts/C:/x`))).toContain('drive');
		expect(refusal(() => parseArtifactLocation(decodePath(`0/${RUN}/artifacts/a%00b`)))).toContain('U+0000');
		expect(refusal(() => parseArtifactLocation(`0/${RUN}/artifacts`))).toContain('empty');
		expect(refusal(() => parseArtifactLocation(`../${RUN}/artifacts/x`))).toContain('must have the form');
		expect(refusal(() => parseArtifactLocation(`0/${RUN}/../x`))).toContain('must have the form');
		const model = `m-${RUN}`;
		expect(parseArtifactLocation(`1/models/${model}/artifacts/MLmodel`)).toEqual({ experimentId: '1', ownerId: model, path: 'MLmodel' });
		expect(refusal(() => parseArtifactLocation('1/models/artifacts/MLmodel'))).toContain('must have the form');
		expect(refusal(() => decodePath('a%zz'))).toContain('Malformed percent-encoding');
	});
});
