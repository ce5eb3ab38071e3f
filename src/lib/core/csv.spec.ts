// Unit tests of the delimited-text parser behind CSV/TSV artifact previews.
import { describe, expect, it } from 'vitest';
import { parseDelimited, readDelimiter } from './csv';

const csv = (text: string, maxRows = 100, complete = true) => parseDelimited(text, { delimiter: ',', maxRows, complete });

describe('parseDelimited', () => {
	it('splits records and fields, LF or CRLF, with or without a final line break', () => {
		expect(csv('a,b\n1,2\n').rows).toEqual([['a', 'b'], ['1', '2']]);
		expect(csv('a,b\r\n1,2').rows).toEqual([['a', 'b'], ['1', '2']]);
		expect(csv('a,b\r1,2\r').rows).toEqual([['a', 'b'], ['1', '2']]);
		expect(csv('').rows).toEqual([]);
	});

	it('keeps empty fields, including trailing ones', () => {
		expect(csv(',x,\n').rows).toEqual([['', 'x', '']]);
	});

	it('reads quoted fields with embedded commas, doubled quotes and line breaks', () => {
		const t = csv('name,note\n"Smith, J","said ""hi""\nthen left"\nx,"",\n');
		expect(t.rows).toEqual([
			['name', 'note'],
			['Smith, J', 'said "hi"\nthen left'],
			['x', '', '']
		]);
		expect(t.truncated).toBe(false);
	});

	it('keeps quotes inside an unquoted field and runs an unterminated quote to the end', () => {
		expect(csv('5" disk,b\n').rows).toEqual([['5" disk', 'b']]);
		expect(csv('a,"open\nstill').rows).toEqual([['a', 'open\nstill']]);
	});

	it('parses TSV, where commas are plain text', () => {
		expect(parseDelimited('a\tb,c\n1\t2\n', { delimiter: '\t', maxRows: 10, complete: true }).rows).toEqual([
			['a', 'b,c'],
			['1', '2']
		]);
		expect(readDelimiter('data/table.TSV')).toBe('\t');
		expect(readDelimiter('metrics.csv')).toBe(',');
	});

	it('stops at maxRows and says the table is truncated', () => {
		const text = Array.from({ length: 10 }, (_, i) => `r${i},${i}`).join('\n');
		const t = csv(text, 3);
		expect(t.rows).toEqual([['r0', '0'], ['r1', '1'], ['r2', '2']]);
		expect(t.truncated).toBe(true);
		expect(csv(text, 10).truncated).toBe(false);
	});

	it('drops a cut-off last record when the text is only the start of the file', () => {
		const t = csv('a,b\n1,2\n3,"cut', 100, false);
		expect(t.rows).toEqual([['a', 'b'], ['1', '2']]);
		expect(t.truncated).toBe(true);
	});

	it('skips a byte order mark', () => {
		expect(csv('\ufeffa,b\n').rows).toEqual([['a', 'b']]);
	});
});
