// A browser watching an experiment page on instance B while the official Python MLflow client logs through instance
// A of the same cluster (one PostgreSQL + Redis + S3): the new run, its param and its metric appear live on B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureAppBuilt } from './global-setup';
import { launchBrowser, openTestPage, waitForText } from '../helpers/browser';
import { startCluster, type Cluster } from '../helpers/cluster';
import { postOk } from '../helpers/cluster-clients';
import { runPython } from '../helpers/python';

let cluster: Cluster;
let browser: Browser;
beforeAll(async () => {
	await ensureAppBuilt();
	[cluster, browser] = await Promise.all([startCluster({ instances: 2 }), launchBrowser()]);
}, 180_000);
afterAll(async () => {
	await browser?.close();
	await cluster?.stop();
});

const row = (runId: string) => `[role=row][data-run-id="${runId}"]`;

describe('cluster live [e2e]', () => {
	it("shows on B's experiment page the run and metric the Python client logs through A", { timeout: 120_000 }, async () => {
		const [A, B] = [cluster.url(0), cluster.url(1)];
		const { experiment_id: experimentId } = await postOk<{ experiment_id: string }>(A, '/api/2.0/mlflow/experiments/create', { name: 'e2e-cluster-live' });
		const { page, errors, close } = await openTestPage(browser);
		try {
			await page.goto(`${B}/experiments/${experimentId}`);
			await waitForText(page, '[role=status]', 'Live');
			await page.getByText('No runs yet.').waitFor();
			const py = runPython('cluster_client.py', A, { args: ['--experiment', experimentId, '--name', 'py-through-a', '--points', '10'] });
			// The run's row appears while the client is still logging; its id is read off the row.
			const runRow = page.locator('[role=row][data-run-id]:has([data-col=name] a:text-is("py-through-a"))');
			await runRow.waitFor({ timeout: 60_000 });
			const runId = (await runRow.getAttribute('data-run-id'))!;
			await waitForText(page, `${row(runId)} [data-col="params.optimizer"]`, 'adam', 60_000);
			await waitForText(page, `${row(runId)} [data-col="metrics.py_loss"]`, '0.1', 60_000);
			const r = await py;
			expect(r.code, r.stderr).toBe(0);
			expect(r.json).toMatchObject({ run_id: runId, metrics: { py_loss: 0.1 } });
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
