// Unit tests of choosing an artifact's preview and formatting its size and blob URL.
import { describe, expect, it } from 'vitest';
import { formatBlobUrl, formatBytes, readPreviewKind } from './artifact-preview';

describe('readPreviewKind', () => {
	it('picks the preview from the file name, case-insensitively', () => {
		expect(readPreviewKind('plots/loss.PNG')).toBe('image');
		expect(readPreviewKind('fig.svg')).toBe('image');
		expect(readPreviewKind('data/eval.csv')).toBe('table');
		expect(readPreviewKind('data/eval.tsv')).toBe('table');
		expect(readPreviewKind('metrics.json')).toBe('json');
		expect(readPreviewKind('README.md')).toBe('markdown');
		expect(readPreviewKind('train.log')).toBe('text');
		expect(readPreviewKind('src/train.py')).toBe('text');
		expect(readPreviewKind('model/conda.yaml')).toBe('yaml');
		expect(readPreviewKind('config.YML')).toBe('yaml');
		expect(readPreviewKind('model/MLmodel')).toBe('yaml');
		expect(readPreviewKind('model/requirements.txt')).toBe('text');
		expect(readPreviewKind('model/model.pkl')).toBe('none');
		expect(readPreviewKind('weights')).toBe('none');
		expect(readPreviewKind('dir.png/file')).toBe('none');
	});
});

describe('formatBlobUrl', () => {
	it('names the blob by hash and passes the base name for the content type', () => {
		expect(formatBlobUrl('ab'.repeat(32), 'plots/loss curve.png')).toBe(`/api/blobs/${'ab'.repeat(32)}?name=loss%20curve.png`);
	});
});

describe('formatBytes', () => {
	it('uses binary units with one decimal below 10', () => {
		expect(formatBytes(0)).toBe('0 B');
		expect(formatBytes(1023)).toBe('1023 B');
		expect(formatBytes(1536)).toBe('1.5 KB');
		expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
		expect(formatBytes(-1)).toBe('—');
	});
});
