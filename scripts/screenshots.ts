// `npx tsx scripts/screenshots.ts`: regenerates the README screenshots in docs/screenshots/ from a real server
// seeded with a small, deterministic hyper-parameter sweep, captured in headless Chromium (light and dark).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createRandom } from '../src/lib/core/seeded-random';
import { launchBrowser } from '../tests/helpers/browser';
import { spawnServer } from '../tests/helpers/child-server';
import { ensureAppBuilt } from '../tests/e2e/global-setup';
import { post } from '../bench/browser-bench';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
const STEPS = 3000;

interface Seeded {
	experimentId: string;
	runIds: string[];
}

/** A sweep of ResNet runs over lr × optimizer with plausible curves; the last one still running. */
async function seed(base: string): Promise<Seeded> {
	const random = createRandom(7);
	await post(base, '/api/experiments', { name: 'mnist-baselines' });
	const runIds: string[] = [];
	let experimentId = '';
	const configs = ['adamw', 'sgd', 'adam', 'rmsprop'].flatMap((optimizer) => ['1e-3', '3e-4', '1e-4'].map((lr) => ({ optimizer, lr })));
	for (const [i, c] of configs.entries()) {
		const created = await post<{ run_id: string; experiment_id: string }>(base, '/api/runs', {
			experiment_name: 'resnet50-imagenet-sweep',
			run_name: `resnet50-${c.optimizer}-lr${c.lr}`,
			params: { optimizer: c.optimizer, lr: c.lr, batch_size: String([128, 256][i % 2]), epochs: '90', weight_decay: '0.05', warmup_steps: '500' },
			tags: { team: ['vision', 'vision-research'][i % 2], 'mlflow.source.git.commit': `9f3c2${(i * 7919).toString(16).padStart(6, '0')}`, 'mlflow.user': ['ana', 'li', 'sam'][i % 3] }
		});
		experimentId = created.experiment_id;
		runIds.push(created.run_id);
		const quality = 0.6 + 0.4 * random();
		const steps = Array.from({ length: STEPS }, (_, s) => s);
		const noise = () => (random() - 0.5) * 0.08;
		const loss = steps.map((s) => 2.3 * Math.exp(-s / (500 + 600 * quality)) + 0.25 - 0.15 * quality + noise());
		const val = steps.map((s) => loss[s] + 0.05 + 0.04 * Math.sin(s / 300) + noise() / 2);
		const acc = steps.map((s) => Math.min(0.99, 0.72 + 0.2 * quality - 0.65 * Math.exp(-s / 700) + noise() / 4));
		const lr = steps.map((s) => Number(c.lr) * (s < 500 ? s / 500 : 0.5 * (1 + Math.cos((Math.PI * (s - 500)) / (STEPS - 500)))));
		const last = i === configs.length - 1 ? STEPS * 0.6 : STEPS;
		const cut = (v: number[]) => ({ steps: steps.slice(0, last), values: v.slice(0, last) });
		await post(base, `/api/runs/${created.run_id}/log`, { metrics: { 'train/loss': cut(loss), 'val/loss': cut(val), 'val/accuracy': cut(acc), 'lr': cut(lr) } });
		if (i !== configs.length - 1) await post(base, `/api/runs/${created.run_id}/end`, { status: i === 4 ? 'FAILED' : 'FINISHED' });
	}
	const best = runIds[0];
	const csv = 'class,precision,recall,f1\ncat,0.91,0.88,0.89\ndog,0.87,0.90,0.88\nbird,0.93,0.91,0.92\n';
	await fetch(`${base}/api/runs/${best}/artifacts/eval/per_class.csv`, { method: 'PUT', body: csv });
	await fetch(`${base}/api/runs/${best}/artifacts/model/MLmodel`, { method: 'PUT', body: 'artifact_path: model\nflavors:\n  pytorch:\n    pytorch_version: 2.5.1\n' });
	const R = '/api/2.0/mlflow';
	await post(base, `${R}/registered-models/create`, { name: 'resnet50-classifier', description: 'ImageNet classifier from the lr × optimizer sweep.', tags: [{ key: 'team', value: 'vision' }] });
	for (const [n, run] of [runIds[3], runIds[1], runIds[0]].entries()) {
		await post(base, `${R}/model-versions/create`, { name: 'resnet50-classifier', source: `runs:/${run}/model`, run_id: run, description: `candidate ${n + 1}` });
	}
	await post(base, `${R}/model-versions/transition-stage`, { name: 'resnet50-classifier', version: '2', stage: 'Production', archive_existing_versions: false });
	await post(base, `${R}/model-versions/transition-stage`, { name: 'resnet50-classifier', version: '3', stage: 'Staging', archive_existing_versions: false });
	await post(base, `${R}/registered-models/alias`, { name: 'resnet50-classifier', alias: 'champion', version: '2' });
	return { experimentId, runIds };
}

/** Waits until every chart in view has drawn points. */
async function waitForCharts(page: Page): Promise<void> {
	await page.waitForFunction(() => {
		const plots = [...document.querySelectorAll('.plot')];
		return plots.length > 0 && plots.every((p) => Number(p.getAttribute('data-points')) > 0);
	});
}

async function shoot(page: Page, name: string): Promise<void> {
	await page.screenshot({ path: path.join(OUT, `${name}.png`) });
	console.log(`wrote docs/screenshots/${name}.png`);
}

await ensureAppBuilt();
await mkdir(OUT, { recursive: true });
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-shots-'));
const server = await spawnServer(dataDir);
const browser = await launchBrowser();
try {
	const { experimentId, runIds } = await seed(server.url);
	for (const theme of ['light', 'dark'] as const) {
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: theme, deviceScaleFactor: 1 });
		const page = await context.newPage();
		const suffix = theme === 'dark' ? '-dark' : '';
		await page.goto(server.url);
		await page.getByText('resnet50-imagenet-sweep').first().waitFor();
		await shoot(page, `experiments${suffix}`);
		await page.goto(`${server.url}/experiments/${experimentId}?sort=-metrics.val%2Faccuracy`);
		await page.locator('[role=row][data-run-id]').nth(runIds.length - 1).waitFor();
		await shoot(page, `runs-table${suffix}`);
		await page.goto(`${server.url}/runs/${runIds[0]}?smooth=0.6`);
		await waitForCharts(page);
		await shoot(page, `run${suffix}`);
		await page.goto(`${server.url}/compare?runs=${runIds.slice(0, 4).join(',')}&exp=${experimentId}&smooth=0.6`);
		await waitForCharts(page);
		await shoot(page, `compare${suffix}`);
		await page.goto(`${server.url}/models/resnet50-classifier`);
		await page.getByText('candidate 3').first().waitFor();
		await shoot(page, `model${suffix}`);
		await context.close();
	}
} finally {
	await browser.close();
	server.proc.kill('SIGTERM');
	await server.exited;
	await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
