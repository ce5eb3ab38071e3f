// MLflow Models figures, side by side with `mlflow server` (SQLite) and the same official client
// (bench/mlflow-py/models_workload.py): a 50 MB log_model + load_model round trip with the server's RSS, and
// logged-models/search with a metric filter and order over 10,000 logged models; plus the registry's live latency
// between two browsers (bench/registry-live.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../tests/helpers/child-server';
import { fmt, setUpMlflowVenv, startMlflow, step, stopMlflow, withRssSampling, type Target } from './mlflow';
import { measureRegistryLive } from './registry-live';
import type { Row } from './table';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKLOAD = path.join(root, 'bench', 'mlflow-py', 'models_workload.py');
const progress = (what: string) => process.stderr.write(`[bench] ${what}…\n`);

interface Timed {
	median_s: number;
	first_s: number;
}

async function measure(target: Target, count: number) {
	progress(`${target.name}: 50 MB log_model + load_model`);
	const roundtrip = await withRssSampling(target, () => step<{ log_s: number; load_s: number }>(target, ['roundtrip', '50'], 1_800_000, WORKLOAD));
	progress(`${target.name}: seeding ${count} logged models`);
	const seeded = await step<{ experiment_id: string }>(target, ['seed-models', String(count)], 3_600_000, WORKLOAD);
	progress(`${target.name}: logged-models/search`);
	const search = await step<Timed & { models: number; top: number }>(target, ['search-models', seeded.experiment_id, '15'], 1_800_000, WORKLOAD);
	return { roundtrip, search };
}

export async function runModelsBench(opts: { quick: boolean }): Promise<Row[]> {
	setUpMlflowVenv();
	const count = opts.quick ? 2_000 : 10_000;
	const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-models-bench-'));
	const tandem = await spawnServer(path.join(dir, 'tandem'));
	let mlflow: Awaited<ReturnType<typeof startMlflow>> | undefined;
	try {
		const t = await measure({ name: 'Tandem', url: tandem.url, pids: async () => [tandem.proc.pid!] }, count);
		mlflow = await startMlflow(dir);
		const m = await measure(mlflow.target, count);
		const s = (x: number) => `${fmt(x, 2)} s`;
		const trip = (r: { log_s: number; load_s: number }) => r.log_s + r.load_s;
		const searchRatio = m.search.median_s / t.search.median_s;
		const growth = (a: { before: number; peak: number }) => a.peak - a.before;
		const live = await measureRegistryLive({ quick: opts.quick });
		return [
			{
				figure: '50 MB model: log_model + load_model (models:/<id>), official client',
				value: `Tandem ${s(t.roundtrip.log_s)} + ${s(t.roundtrip.load_s)} · MLflow ${s(m.roundtrip.log_s)} + ${s(m.roundtrip.load_s)} · ${fmt(trip(m.roundtrip) / trip(t.roundtrip), 2)}×`,
				target: '≥ 1× (MLflow speed)',
				ok: trip(t.roundtrip) <= trip(m.roundtrip)
			},
			{
				figure: 'server RSS growth during the 50 MB round trip',
				value: `Tandem +${fmt(growth(t.roundtrip))} MiB · MLflow +${fmt(growth(m.roundtrip))} MiB`,
				target: 'flat (< 64 MiB)',
				ok: growth(t.roundtrip) < 64
			},
			{
				figure: `logged-models/search, metric filter + order, ${fmt(count)} models${opts.quick ? ' (quick)' : ''}, plain HTTP, median of 15`,
				value: `Tandem ${fmt(t.search.median_s * 1000, 1)} · MLflow ${fmt(m.search.median_s * 1000, 1)} ms · ${fmt(searchRatio, 1)}×`,
				target: '≥ 20×',
				ok: searchRatio >= 20 && t.search.models === m.search.models && t.search.top === m.search.top
			},
			{
				figure: 'logged-models/search: first call after seeding (cold)',
				value: `Tandem ${fmt(t.search.first_s * 1000, 1)} · MLflow ${fmt(m.search.first_s * 1000, 1)} ms`,
				target: '—'
			},
			...live
		];
	} finally {
		tandem.proc.kill('SIGTERM');
		await tandem.exited;
		stopMlflow(mlflow?.proc);
		await rm(dir, { recursive: true, force: true });
	}
}
