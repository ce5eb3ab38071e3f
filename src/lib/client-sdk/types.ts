// The SDK's public shapes: init options, the Run handle and its statistics (wire shapes: core/api/native.ts).
import type { EndStatus } from '../core/api/native';
import type { RunInfo } from './remote-run';
import type { RetryOptions } from './transport';
import type { ArtifactSource } from './artifact-source';

export type Scalar = string | number | boolean;
export type FinalStatus = EndStatus;

export interface InitOptions {
	/** Tandem server, e.g. http://127.0.0.1:5000 */
	url: string;
	/** Experiment name (created if missing). Default: the Default experiment, unless `experimentId` is given. */
	experiment?: string;
	experimentId?: string;
	runName?: string;
	params?: Record<string, Scalar>;
	tags?: Record<string, Scalar>;
	/** ms a logged value waits at most before it is sent. Default 1,000. */
	flushIntervalMs?: number;
	/** Metric points per request. Default 5,000. */
	maxBatchPoints?: number;
	/** Undelivered points kept while the server is unreachable; past it the oldest are dropped. Default 500,000. */
	maxQueuedPoints?: number;
	/** ms per request attempt. Default 30,000. */
	requestTimeoutMs?: number;
	/** Backoff between retries (ms). Default base 250, max 30,000. */
	retry?: RetryOptions;
	/** ms the exit hooks wait for delivery before giving up. Default 5,000. */
	exitTimeoutMs?: number;
	/** Deliver and end the run at process exit / page hide. Default true. */
	handleExit?: boolean;
	headers?: Record<string, string>;
	fetch?: typeof fetch;
	/** A write the server refused (4xx): it is not retried. Default: console.error. */
	onError?: (error: Error) => void;
	/** Points dropped because the queue was full. Default: console.warn. */
	onWarning?: (message: string) => void;
	/** A transient failure that will be retried after `delayMs`. */
	onRetry?: (error: Error, attempt: number, delayMs: number) => void;
}

export interface RunStats {
	/** metric points accepted by the server (a retried batch counts once) */
	deliveredPoints: number;
	/** metric points dropped because the queue was full */
	droppedPoints: number;
	/** metric points waiting to be sent */
	queuedPoints: number;
}

export interface Run {
	/** Resolves once the server has created the run; rejects if it refused to. */
	readonly ready: Promise<RunInfo>;
	/** The run's ids, once `ready` has resolved. */
	readonly info: RunInfo | null;
	readonly stats: RunStats;
	/** Queues one value per metric at `step` (default: one past the highest step so far) and `timestamp` (ms, default now). Never waits. */
	log(metrics: Record<string, number>, opts?: { step?: number; timestamp?: number }): void;
	logParams(params: Record<string, Scalar>): void;
	setTags(tags: Record<string, Scalar>): void;
	/** Uploads a Blob, bytes, or (where node:fs exists) a file or directory path; `artifactPath` names the destination. */
	logArtifact(source: ArtifactSource, artifactPath?: string): Promise<void>;
	/** Resolves once everything logged before the call is delivered; rejects with what the server refused. */
	flush(): Promise<void>;
	/** Flushes and ends the run with `status`; further logging throws. Idempotent. */
	finish(status?: FinalStatus): Promise<void>;
}
