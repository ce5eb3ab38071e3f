// Tandem's TypeScript client (`tandem/client`): log runs from any runtime with `fetch` — Node, Bun, Deno, browsers.
// `init()` returns a Run at once; logging never waits; delivery is batched, ordered, retried and applied once.
import { createRun } from './run';
import type { InitOptions, Run } from './types';

/**
 * Starts a run: it is created on the server in the background (`run.ready`), and everything logged meanwhile is
 * queued. Throws TypeError for invalid options; server-side refusals arrive through `onError` and `flush()`.
 *
 * ```ts
 * const run = init({ url: 'http://127.0.0.1:5000', experiment: 'mnist', params: { lr: 0.001 } });
 * for (let step = 0; step < 100; step++) run.log({ loss: 1 / (step + 1) }, { step });
 * await run.finish();
 * ```
 */
export function init(options: InitOptions): Run {
	return createRun(options);
}

export type { InitOptions, Run, RunStats, Scalar, FinalStatus } from './types';
export type { RunInfo } from './remote-run';
export type { ArtifactSource } from './artifact-source';
export { TandemHttpError, TandemNetworkError, type RetryOptions } from './transport';
export { CLIENT_KEY_TAG } from './remote-run';
