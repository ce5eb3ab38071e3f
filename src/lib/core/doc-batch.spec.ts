import { describe, expect, it } from 'vitest';
import { decodeDocBatchAnswer, encodeBase64, encodeDocBatchAnswer, MAX_BATCH_DOCS, parseDocBatchRequest } from './doc-batch';

const RUN = 'a'.repeat(32);

describe('document batch', () => {
	it('parses names and base64 state vectors', () => {
		const sv = new Uint8Array([1, 200, 3, 0]);
		const docs = parseDocBatchRequest({ docs: [{ name: `series/${RUN}/loss` }, { name: 'workspace', sv: encodeBase64(sv) }] });
		expect(docs[0]).toEqual({ name: `series/${RUN}/loss`, sv: new Uint8Array(0) });
		expect(Array.from(docs[1].sv)).toEqual([1, 200, 3, 0]);
	});

	it('rejects a bad body with a message naming the field', () => {
		expect(() => parseDocBatchRequest(null)).toThrow(/'docs' must be an array/);
		expect(() => parseDocBatchRequest({ docs: [{ name: '../etc/passwd' }] })).toThrow(/docs\[0\]: Unknown document name/);
		expect(() => parseDocBatchRequest({ docs: [{ name: 'workspace', sv: 'not base64!' }] })).toThrow(/docs\[0\]: 'sv' must be/);
		expect(() => parseDocBatchRequest({ docs: [{ name: 'workspace', sv: 7 }] })).toThrow(/docs\[0\]: 'sv' must be/);
		expect(() => parseDocBatchRequest({ docs: Array(MAX_BATCH_DOCS + 1).fill({ name: 'workspace' }) })).toThrow(/at most 500/);
	});

	it('round-trips an answer, empty updates included', () => {
		const updates = [new Uint8Array([0, 0]), new Uint8Array(0), new Uint8Array(70_000).fill(7)];
		const back = decodeDocBatchAnswer(encodeDocBatchAnswer(updates));
		expect(back.map((u) => u.length)).toEqual([2, 0, 70_000]);
		expect(back[2][69_999]).toBe(7);
	});

	it('refuses a truncated answer or trailing bytes', () => {
		const bytes = encodeDocBatchAnswer([new Uint8Array([1, 2, 3])]);
		expect(() => decodeDocBatchAnswer(bytes.subarray(0, bytes.length - 1))).toThrow();
		expect(() => decodeDocBatchAnswer(new Uint8Array([...bytes, 9]))).toThrow(/trailing/);
	});
});
