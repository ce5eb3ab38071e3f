// Parsing of delimited text (CSV per RFC 4180, TSV) for artifact previews: quoted fields with doubled quotes,
// delimiters and line breaks inside quotes, CRLF or LF records, a cap on the records read.

export interface DelimitedOptions {
	/** Field separator: ',' for CSV, '\t' for TSV. */
	delimiter: string;
	/** Stop after this many records (the header counts as one). */
	maxRows: number;
	/**
	 * False when `text` is only the start of a file (a Range read): its last record may be cut off, so it is
	 * dropped and `truncated` is set.
	 */
	complete: boolean;
}

export interface DelimitedTable {
	/** Records in file order, each a list of fields (records may differ in length). */
	rows: string[][];
	/** More records exist than `rows` holds (the cap was hit, or the text was not the whole file). */
	truncated: boolean;
}

/** The delimiter a file name suggests: tab for `.tsv`/`.tab`, else comma. */
export function readDelimiter(fileName: string): string {
	return /\.(tsv|tab)$/i.test(fileName) ? '\t' : ',';
}

/** Parses `text` into records; never throws (an unterminated quote runs to the end of the text). */
export function parseDelimited(text: string, opts: DelimitedOptions): DelimitedTable {
	const { delimiter, maxRows } = opts;
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
	let endedRecord = true;
	const endField = () => {
		row.push(field);
		field = '';
	};
	const endRecord = () => {
		endField();
		rows.push(row);
		row = [];
	};
	while (i < text.length && rows.length <= maxRows) {
		const c = text[i];
		endedRecord = false;
		if (c === '"' && field === '') {
			// A quoted field: runs to the next quote not followed by another quote.
			let j = i + 1;
			for (;;) {
				const q = text.indexOf('"', j);
				if (q === -1) {
					field += text.slice(j);
					j = text.length;
					break;
				}
				field += text.slice(j, q);
				if (text[q + 1] === '"') {
					field += '"';
					j = q + 2;
				} else {
					j = q + 1;
					break;
				}
			}
			i = j;
		} else if (c === delimiter) {
			endField();
			i++;
		} else if (c === '\n' || c === '\r') {
			endRecord();
			endedRecord = true;
			i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
		} else {
			const next = nextSpecial(text, i, delimiter);
			field += text.slice(i, next);
			i = next;
		}
	}
	const atEnd = i >= text.length;
	if (!endedRecord && atEnd && opts.complete) endRecord();
	const cut = !opts.complete && !endedRecord;
	const truncated = rows.length > maxRows || !atEnd || !opts.complete;
	return { rows: rows.slice(0, maxRows), truncated: truncated || cut };
}

/** Index of the next delimiter or line break at or after `from` (text.length if none). */
function nextSpecial(text: string, from: number, delimiter: string): number {
	for (let k = from; k < text.length; k++) {
		const c = text[k];
		if (c === delimiter || c === '\n' || c === '\r') return k;
	}
	return text.length;
}
