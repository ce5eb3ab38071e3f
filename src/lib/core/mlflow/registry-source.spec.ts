import { describe, expect, it } from 'vitest';
import { checkVersionSource, isUriWithinRoot, parseModelUri, splitUri } from './registry-source';

describe('model version sources', () => {
	it('splits URIs like urlparse', () => {
		expect(splitUri('s3://bucket/a/b?x=1')).toEqual({ scheme: 's3', netloc: 'bucket', path: '/a/b' });
		expect(splitUri('runs:/abc/model')).toEqual({ scheme: 'runs', netloc: '', path: '/abc/model' });
		expect(splitUri('/tmp/model')).toEqual({ scheme: '', netloc: '', path: '/tmp/model' });
	});

	it('parses models:/ URIs into logged-model ids or registry references', () => {
		expect(parseModelUri('models:/m-123')).toEqual({ kind: 'logged-model', modelId: 'm-123' });
		expect(parseModelUri('models:/fraud/3')).toEqual({ kind: 'registered', name: 'fraud', version: 3 });
		expect(parseModelUri('models:/fraud/Production')).toEqual({ kind: 'registered', name: 'fraud', stage: 'Production' });
		expect(parseModelUri('models:/fraud/latest')).toEqual({ kind: 'registered', name: 'fraud' });
		expect(parseModelUri('models:/fraud@champion')).toEqual({ kind: 'registered', name: 'fraud', alias: 'champion' });
		expect(parseModelUri('models:/a/b/c')).toBeNull();
		expect(parseModelUri('s3://x')).toBeNull();
	});

	it('accepts object-store sources and runs:/ sources of the named run; says which lookups remain', () => {
		expect(checkVersionSource('s3://bucket/model', null, null)).toEqual({ need: 'nothing' });
		expect(checkVersionSource('runs:/r1/model', 'r1', null)).toEqual({ need: 'nothing' });
		expect(checkVersionSource('models:/m-1', null, 'm-1')).toEqual({ need: 'nothing' });
		expect(checkVersionSource('mlflow-artifacts:/0/r1/artifacts/model', 'r1', null)).toEqual({ need: 'run-root', runId: 'r1' });
		expect(checkVersionSource('mlflow-artifacts:/0/models/m-1/artifacts', null, 'm-1')).toEqual({ need: 'model-root', modelId: 'm-1' });
	});

	it('refuses local paths, relative segments and sources owned by another run or model', () => {
		expect(() => checkVersionSource('/tmp/model', null, null)).toThrow(/To use a local path/);
		expect(() => checkVersionSource('file:///tmp/model', 'r1', null)).toThrow(/To use a local path/);
		expect(() => checkVersionSource('s3://b/x/../../etc', null, null)).toThrow(/relative path references/);
		expect(() => checkVersionSource('s3://b/x/%2e%2e/etc', null, null)).toThrow(/relative path references/);
		expect(() => checkVersionSource('runs:/r1/model', null, null)).toThrow(/run_id request parameter must identify/);
		expect(() => checkVersionSource('runs:/r1/model', 'r2', null)).toThrow(/run_id request parameter/);
		expect(() => checkVersionSource('models:/m-1', null, 'm-2')).toThrow(/model_id request parameter/);
		expect(() => checkVersionSource('mlflow-artifacts:/0/r1/artifacts', null, null)).toThrow(/run_id request parameter/);
	});

	it('tells whether a source lies under an artifact root', () => {
		expect(isUriWithinRoot('mlflow-artifacts:/0/r1/artifacts/model', 'mlflow-artifacts:/0/r1/artifacts')).toBe(true);
		expect(isUriWithinRoot('mlflow-artifacts:/0/r2/artifacts/model', 'mlflow-artifacts:/0/r1/artifacts')).toBe(false);
		expect(isUriWithinRoot('s3://b/0/r1/artifacts', 'mlflow-artifacts:/0/r1/artifacts')).toBe(false);
	});
});
