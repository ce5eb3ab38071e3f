// Where a run's metric series are read and written: the `series/<runId>/<key>[@part]` documents. The run
// document's series directory (client-writable) only says which metrics exist and where writing resumes; how many
// parts hold points is read from the parts themselves, so a directory claiming 1e6 parts opens none of them.
import { concatColumns, type SeriesColumns } from '../../src/lib/core/chunk';
import { MAX_SERIES_PARTS, hasSeries, readSeriesDirectory } from '../../src/lib/core/docs/run';
import { readChunkCount, readSeries, readSeriesBytes } from '../../src/lib/core/docs/series';
import { docNames, SERIES_PART_MAX_BYTES } from '../../src/lib/core/schema';
import { createDocMemo, createMemo } from './doc-memo';
import { readDocs, type DocAccess } from './doc-access';

/** Series parts opened at once when reading a metric (most metrics have one). */
const SERIES_READ_BATCH = 4;

export function createSeriesReader(access: DocAccess) {
	/** Recently read parts and whole series (a paged get-history reads the same one per page); ~24 B per point each. */
	const partColumns = createDocMemo<SeriesColumns>({ maxEntries: 64 });
	const historyColumns = createMemo<SeriesColumns>({ maxEntries: 16 });

	/** The parts of a metric that hold points, in order: from part 0 up to the first empty one, a batch at a time. */
	async function readParts(runId: string, key: string): Promise<SeriesColumns[]> {
		const parts: SeriesColumns[] = [];
		for (let from = 0; from < MAX_SERIES_PARTS; from += SERIES_READ_BATCH) {
			const names = Array.from({ length: Math.min(SERIES_READ_BATCH, MAX_SERIES_PARTS - from) }, (_, i) => docNames.series(runId, key, from + i));
			const batch = await readDocs(access, names, (docs) => {
				const empty = docs.findIndex((d) => readChunkCount(d) === 0);
				const held = empty === -1 ? docs : docs.slice(0, empty);
				return { done: empty !== -1, columns: held.map((d, i) => partColumns.read(`${runId}/${key}@${from + i}`, [d], ([doc]) => readSeries(doc))) };
			});
			parts.push(...batch.columns);
			if (batch.done) break;
		}
		return parts;
	}

	return {
		/**
		 * Series doc names to write for each key: the first part that is not full, from the one the directory
		 * names last (a claim a peer may have lowered: full parts after it are passed over, within MAX_SERIES_PARTS).
		 */
		async targets(runId: string, keys: string[]): Promise<Map<string, { part: number; name: string }>> {
			const dir = await readDocs(access, [docNames.run(runId)], ([run]) => readSeriesDirectory(run));
			const targets = new Map<string, { part: number; name: string }>();
			const isFull = (key: string, part: number) =>
				readDocs(access, [docNames.series(runId, key, part)], ([s]) => readSeriesBytes(s) >= SERIES_PART_MAX_BYTES);
			for (const key of keys) {
				let part = (dir.get(key) ?? 1) - 1;
				while (part < MAX_SERIES_PARTS - 1 && (await isFull(key, part))) part++;
				targets.set(key, { part, name: docNames.series(runId, key, part) });
			}
			return targets;
		},

		/**
		 * Every point of one metric (all parts, in append order); empty columns for a metric never logged. Memoised
		 * until the series changes, so the same object may come back: treat it as read-only.
		 */
		async history(runId: string, key: string): Promise<SeriesColumns> {
			const logged = await readDocs(access, [docNames.run(runId)], ([run]) => hasSeries(run, key));
			if (!logged) return concatColumns([]);
			const parts = await readParts(runId, key);
			if (parts.length === 1) return parts[0];
			return historyColumns.read(`${runId}/${key}`, parts, () => concatColumns(parts));
		}
	};
}
