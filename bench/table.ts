// Prints benchmark rows as an aligned table.
export interface Row {
	figure: string;
	value: string;
	target: string;
	/** undefined = no target to meet */
	ok?: boolean;
}

export function printTable(title: string, rows: Row[]): void {
	const head: Row = { figure: 'figure', value: 'measured', target: 'target' };
	const w = (k: 'figure' | 'value' | 'target') => Math.max(...[head, ...rows].map((r) => r[k].length));
	const line = (r: Row, mark: string) => `| ${r.figure.padEnd(w('figure'))} | ${r.value.padStart(w('value'))} | ${r.target.padEnd(w('target'))} | ${mark.padEnd(4)} |`;
	console.log(`\n## ${title}\n`);
	console.log(line(head, 'met'));
	console.log(`|${'-'.repeat(w('figure') + 2)}|${'-'.repeat(w('value') + 2)}|${'-'.repeat(w('target') + 2)}|------|`);
	for (const r of rows) console.log(line(r, r.ok === undefined ? '' : r.ok ? 'yes' : 'NO'));
}
