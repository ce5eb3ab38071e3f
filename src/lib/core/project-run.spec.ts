// Unit tests of project runs: reading `mlflow run`'s tags, POSIX shell quoting, and the re-run command.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatProjectCommand, quoteShellWord, readProjectRun, type ProjectRun } from './project-run';

// The tags `mlflow run ./proj --env-manager local -P alpha=0.5` writes for a project inside a Git checkout.
const TAGS = {
	'mlflow.source.type': 'PROJECT',
	'mlflow.source.name': 'file:///home/ada/repo#proj',
	'mlflow.project.entryPoint': 'main',
	'mlflow.source.git.commit': '3f2a9c1d0e4b5a6978812345abcdef0123456789',
	'mlflow.source.git.repoURL': 'git@github.com:ada/repo.git',
	'mlflow.project.backend': 'local',
	'mlflow.user': 'ada'
};

const project = (over: Partial<ProjectRun> = {}): ProjectRun => ({ ...readProjectRun(TAGS)!, ...over });

describe('readProjectRun', () => {
	it('reads the project facts; an env manager that wrote no tag is local', () => {
		expect(readProjectRun(TAGS)).toEqual({
			source: 'file:///home/ada/repo#proj',
			entryPoint: 'main',
			commit: '3f2a9c1d0e4b5a6978812345abcdef0123456789',
			branch: null,
			repoUrl: 'git@github.com:ada/repo.git',
			env: 'local',
			backend: 'local'
		});
		expect(readProjectRun({ ...TAGS, 'mlflow.project.env': 'virtualenv' })!.env).toBe('virtualenv');
	});

	it('is null for runs that are not projects', () => {
		expect(readProjectRun({ ...TAGS, 'mlflow.source.type': 'LOCAL' })).toBeNull();
		expect(readProjectRun({ 'mlflow.source.type': 'PROJECT' })).toBeNull();
		expect(readProjectRun({})).toBeNull();
	});
});

describe('quoteShellWord', () => {
	it('leaves safe words bare and single-quotes the rest', () => {
		expect(quoteShellWord('alpha=0.5')).toBe('alpha=0.5');
		expect(quoteShellWord('file:///a/b#c')).toBe("'file:///a/b#c'");
		expect(quoteShellWord('')).toBe("''");
		expect(quoteShellWord("it's $HOME `x` \\n")).toBe(`'it'\\''s $HOME \`x\` \\n'`);
	});

	it('round-trips any text through a real POSIX shell', () => {
		for (const s of ['', 'plain', 'two words', "it's", '$(rm -rf /)', '"dq" \\ back', 'new\nline', 'tab\there', '*?[a]~', "''"]) {
			expect(execFileSync('/bin/sh', ['-c', `printf %s ${quoteShellWord(s)}`], { encoding: 'utf8' })).toBe(s);
		}
	});
});

describe('formatProjectCommand', () => {
	it('runs the same entry point with the same params (sorted), quoted, in the local env', () => {
		expect(formatProjectCommand(project(), { lr: '0.01', 'data path': '/tmp/my data', alpha: "o'k" })).toBe(
			"mlflow run 'file:///home/ada/repo#proj' -e main -P 'alpha=o'\\''k' -P 'data path=/tmp/my data' -P lr=0.01 --env-manager local"
		);
	});

	it('pins the commit of a remote Git source, not of a local directory', () => {
		const remote = project({ source: 'https://github.com/mlflow/mlflow-example' });
		expect(formatProjectCommand(remote, {})).toBe('mlflow run https://github.com/mlflow/mlflow-example -e main -v 3f2a9c1d0e4b5a6978812345abcdef0123456789 --env-manager local');
		expect(formatProjectCommand(project({ source: '/home/ada/proj' }), {})).not.toContain('-v');
		expect(formatProjectCommand(project({ commit: null, source: 'https://github.com/x/y' }), {})).not.toContain('-v');
	});

	it('keeps a known env manager, leaves docker to the project, and can name the experiment', () => {
		expect(formatProjectCommand(project({ env: 'uv' }), {})).toMatch(/--env-manager uv$/);
		expect(formatProjectCommand(project({ env: 'docker' }), {})).not.toContain('--env-manager');
		expect(formatProjectCommand(project({ env: 'kubernetes' }), {})).toMatch(/--env-manager local$/);
		expect(formatProjectCommand(project({ entryPoint: 'train model' }), {}, { experimentId: '42' })).toBe(
			"mlflow run 'file:///home/ada/repo#proj' -e 'train model' --env-manager local --experiment-id 42"
		);
	});
});
