// A project run (`mlflow run <dir> --env-manager local -P k=v`) on the run page in headless Chromium: the
// overview names the project, entry point, commit with its repository and environment, and offers the command
// that runs it again, its values quoted for a POSIX shell. Other runs show no project.
import { describe, expect, it } from 'vitest';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';

const e2e = useE2e();
const COMMIT = '3f2a9c1d0e4b5a6978812345abcdef0123456789';

describe('project runs on the run page [e2e]', () => {
	it('shows the project, entry point, commit, environment and a re-run command', async () => {
		// The tags and params `mlflow run ./proj -e train --env-manager local -P alpha=0.5 -P "data=my file.csv"` records.
		const { run_id: runId, experiment_id: expId } = await e2e.post<{ run_id: string; experiment_id: string }>('/api/runs', {
			experiment_name: 'project-run-e2e',
			run_name: 'projected',
			tags: {
				'mlflow.source.type': 'PROJECT',
				'mlflow.source.name': 'file:///home/ada/repo#proj',
				'mlflow.project.entryPoint': 'train',
				'mlflow.source.git.commit': COMMIT,
				'mlflow.source.git.repoURL': 'git@github.com:ada/repo.git',
				'mlflow.project.backend': 'local'
			},
			params: { alpha: '0.5', data: 'my file.csv' }
		});
		const { run_id: plainId } = await e2e.post<{ run_id: string }>('/api/runs', { experiment_name: 'project-run-e2e', run_name: 'plain' });
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/runs/${runId}`);
			await waitForText(page, '[data-testid=run-name]', 'projected');
			await waitForText(page, '[data-testid=project-source] code', 'file:///home/ada/repo#proj');
			await waitForText(page, '[data-testid=project-entry]', 'train');
			expect((await page.locator('[data-testid=git-commit]').textContent())!.replace(/\s+/g, ' ')).toContain(`${COMMIT.slice(0, 12)} Copy in git@github.com:ada/repo.git`);
			await waitForText(page, '[data-testid=project-env]', 'localon the local backend');
			await waitForText(
				page,
				'[data-testid=project-command]',
				`mlflow run 'file:///home/ada/repo#proj' -e train -P alpha=0.5 -P 'data=my file.csv' --env-manager local --experiment-id ${expId}`
			);
			await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
			await page.getByRole('button', { name: 'Copy the command that runs this project again' }).click();
			expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.locator('[data-testid=project-command]').textContent());

			await page.goto(`${e2e.server.url}/runs/${plainId}`);
			await waitForText(page, '[data-testid=run-name]', 'plain');
			expect(await page.locator('[data-testid=project-command]').count()).toBe(0);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
