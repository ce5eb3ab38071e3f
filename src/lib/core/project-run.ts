// MLflow Project runs (`mlflow run <uri>`): what their tags say (project URI, entry point, commit, repository,
// environment, backend) and the shell command that runs the project again with the same parameters.

/** The tags `mlflow run` writes (mlflow/utils/mlflow_tags.py, mlflow/projects/utils.py and backend/local.py). */
export const PROJECT_TAGS = {
	sourceType: 'mlflow.source.type',
	sourceName: 'mlflow.source.name',
	entryPoint: 'mlflow.project.entryPoint',
	gitCommit: 'mlflow.source.git.commit',
	gitBranch: 'mlflow.source.git.branch',
	gitRepoUrl: 'mlflow.source.git.repoURL',
	/** `docker`, `conda`, `virtualenv` or `uv`; not written for `--env-manager local` */
	env: 'mlflow.project.env',
	backend: 'mlflow.project.backend'
} as const;

/** The env managers `mlflow run --env-manager` takes. */
const ENV_MANAGERS = new Set(['local', 'virtualenv', 'uv', 'conda']);

export interface ProjectRun {
	/** The project URI as recorded (a Git URL, `file://…`, optionally `#subdirectory`). */
	source: string;
	entryPoint: string;
	commit: string | null;
	branch: string | null;
	repoUrl: string | null;
	/** The environment it ran in: the `mlflow.project.env` tag, or `local` when the run recorded none. */
	env: string;
	backend: string | null;
}

/** The project facts of a run tagged `mlflow.source.type=PROJECT`, or null for any other run. */
export function readProjectRun(tags: Readonly<Record<string, string>>): ProjectRun | null {
	const source = tags[PROJECT_TAGS.sourceName];
	if (tags[PROJECT_TAGS.sourceType] !== 'PROJECT' || !source) return null;
	const or = (v: string | undefined) => (v === undefined || v === '' ? null : v);
	return {
		source,
		entryPoint: or(tags[PROJECT_TAGS.entryPoint]) ?? 'main',
		commit: or(tags[PROJECT_TAGS.gitCommit]),
		branch: or(tags[PROJECT_TAGS.gitBranch]),
		repoUrl: or(tags[PROJECT_TAGS.gitRepoUrl]),
		env: or(tags[PROJECT_TAGS.env]) ?? 'local',
		backend: or(tags[PROJECT_TAGS.backend])
	};
}

/** `s` as one word for a POSIX shell: bare when it is only safe characters, else single-quoted (`'` as `'\''`). */
export function quoteShellWord(s: string): string {
	if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
	return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** True for a project URI that names a local directory (MLflow can only check out a version of a remote Git repo safely). */
function isLocalUri(uri: string): boolean {
	return uri.startsWith('file:') || uri.startsWith('/') || uri.startsWith('.') || uri.startsWith('~') || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri);
}

export interface ProjectCommandOptions {
	/** Run it into this experiment (`--experiment-id`) */
	experimentId?: string;
}

/**
 * `mlflow run <source> -e <entry> [-v <commit>] -P k=v … --env-manager <env> [--experiment-id <id>]`, every word
 * quoted for a POSIX shell. Params go in key order. The commit is pinned only for a remote Git source (for a local
 * directory MLflow would check it out in place); a docker project picks its own environment, so it gets no
 * `--env-manager`, and an env manager `mlflow run` does not know becomes `local`.
 */
export function formatProjectCommand(project: ProjectRun, params: Readonly<Record<string, string>>, opts: ProjectCommandOptions = {}): string {
	const words = ['mlflow', 'run', quoteShellWord(project.source), '-e', quoteShellWord(project.entryPoint)];
	if (project.commit && !isLocalUri(project.source)) words.push('-v', quoteShellWord(project.commit));
	for (const key of Object.keys(params).sort()) words.push('-P', quoteShellWord(`${key}=${params[key]}`));
	if (project.env !== 'docker') words.push('--env-manager', ENV_MANAGERS.has(project.env) ? project.env : 'local');
	if (opts.experimentId !== undefined) words.push('--experiment-id', quoteShellWord(opts.experimentId));
	return words.join(' ');
}

