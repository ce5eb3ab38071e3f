// A run as the SDK user holds it: synchronous logging into the outbox, one ordered delivery loop with retries,
// flush/finish promises that report refused writes, artifact uploads, and delivery at program exit.
import { nativePaths, type EndRunBody, type LogBatchBody, type MetricColumnsJson, type NumberJson } from '../core/api/native';
import { isValidKey } from '../core/schema';
import { createBatchQueue, type Batch, type MetricPoint } from './queue';
import { createRetryControl, createTransport, unrefTimer } from './transport';
import { createRemoteRun, type RunInfo } from './remote-run';
import { readArtifactSource } from './artifact-source';
import { addExitParticipant } from './exit-hooks';
import type { FinalStatus, InitOptions, Run, Scalar } from './types';

interface FlushWaiter {
	upto: number;
	errors: Error[];
	resolve(errors: Error[]): void;
}

const KEEPALIVE_BUDGET_BYTES = 60 * 1024;

export function createRun(o: InitOptions): Run {
	if (typeof o.url !== 'string' || !/^https?:\/\//.test(o.url)) throw new TypeError(`init: 'url' must be an http(s) URL, got ${String(o.url)}`);
	const flushIntervalMs = o.flushIntervalMs ?? 1000;
	const maxQueuedPoints = o.maxQueuedPoints ?? 500_000;
	const exitTimeoutMs = o.exitTimeoutMs ?? 5000;
	const onError = o.onError ?? ((e: Error) => console.error(`[tandem] ${e.message}`));
	const onWarning = o.onWarning ?? ((m: string) => console.warn(`[tandem] ${m}`));
	const control = createRetryControl();
	const transport = createTransport({ url: o.url, fetch: o.fetch, requestTimeoutMs: o.requestTimeoutMs, retry: o.retry, headers: o.headers });
	const clientKey = randomHex(16);
	const queue = createBatchQueue({ maxBatchPoints: o.maxBatchPoints ?? 5000, maxQueuedPoints, createBatchId: (seq) => `${clientKey}-${seq}` });
	const bodies = new WeakMap<Batch, string>();
	const waiters: FlushWaiter[] = [];
	const artifacts = new Set<Promise<void>>();
	let info: RunInfo | null = null;
	let fatal: Error | null = null;
	let closed = false;
	let finishing: Promise<void> | null = null;
	let sending: Promise<void> | null = null;
	let sealTimer: ReturnType<typeof setTimeout> | null = null;
	let nextStep = 0;
	let delivered = 0;
	let dropped = 0;
	let dropping = false;

	const ready = createRemoteRun({
		transport,
		control,
		clientKey,
		onRetry: o.onRetry,
		body: {
			experiment_name: o.experiment,
			experiment_id: o.experimentId,
			run_name: o.runName,
			start_time: Date.now(),
			params: stringifyValues(o.params ?? {}, 'params'),
			tags: stringifyValues(o.tags ?? {}, 'tags')
		}
	}).then(
		(r) => (info = r),
		(e: Error) => {
			fatal = e;
			queue.clear();
			onError(e);
			settleWaiters();
			throw e;
		}
	);
	ready.catch(() => {}); // reported through onError and flush()

	const removeExitHook = o.handleExit === false ? () => {} : addExitParticipant({ onBeforeExit: () => exitWith('FINISHED'), onSignal: () => exitWith('KILLED'), onPageHide });

	function bodyOf(b: Batch): string {
		let body = bodies.get(b);
		if (body === undefined) {
			// The columnar form ({key: {steps, timestamps, values}}) is smaller and cheaper for the server to parse.
			const metrics: Record<string, Required<MetricColumnsJson>> = {};
			for (const p of b.points) {
				const cols = (metrics[p.key] ??= { steps: [], timestamps: [], values: [] });
				cols.steps.push(p.step);
				cols.timestamps.push(p.timestamp);
				cols.values.push(encodeValue(p.value));
			}
			body = JSON.stringify({ batch_id: b.batchId, params: b.params, tags: b.tags, metrics } satisfies LogBatchBody);
			bodies.set(b, body);
		}
		return body;
	}

	/** Starts the delivery loop unless it runs; it delivers sealed batches head first, one request at a time. */
	function kick(): void {
		if (sending || control.stopped || fatal) return;
		sending = deliver().finally(() => {
			sending = null;
			if (queue.pending().length > 0) kick();
		});
	}

	async function deliver(): Promise<void> {
		try {
			await ready;
		} catch {
			return;
		}
		for (let b = queue.takeHead(); b && !control.stopped; b = queue.takeHead()) {
			let error: Error | null = null;
			try {
				await transport.requestWithRetry('POST', nativePaths.runLog(info!.runId), { body: bodyOf(b) }, control, o.onRetry);
				delivered += b.points.length;
				dropping = false;
			} catch (e) {
				if (control.stopped) return; // gave up at exit: the batch stays queued
				error = e as Error;
				onError(error);
			}
			queue.removeHead();
			for (const w of waiters) if (error && b.seq <= w.upto) w.errors.push(error);
			settleWaiters();
		}
	}

	/** Resolves the flush waiters whose batches are all settled (or that can no longer be delivered). */
	function settleWaiters(): void {
		const head = queue.pending()[0];
		for (let i = waiters.length - 1; i >= 0; i--) {
			const w = waiters[i];
			if (head && head.seq <= w.upto && !fatal && !control.stopped) continue;
			waiters.splice(i, 1);
			if (fatal) w.errors.push(fatal);
			else if (head && head.seq <= w.upto) w.errors.push(new Error(`gave up delivering: ${queue.queuedPoints()} points remain undelivered`));
			w.resolve(w.errors);
		}
	}

	function scheduleSeal(): void {
		if (queue.pending().length > 0) kick();
		if (sealTimer || !queue.hasOpen()) return;
		sealTimer = unrefTimer(
			setTimeout(() => {
				sealTimer = null;
				if (queue.seal()) kick();
			}, flushIntervalMs)
		);
	}

	function assertOpen(what: string): void {
		if (closed) throw new Error(`run.${what}: the run is finished`);
	}

	async function flush(): Promise<void> {
		queue.seal();
		const upto = queue.lastSealedSeq();
		const uploads = [...artifacts];
		const batchErrors = await new Promise<Error[]>((resolve) => {
			waiters.push({ upto, errors: [], resolve });
			settleWaiters();
			kick();
		});
		const uploadErrors = (await Promise.allSettled(uploads)).flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
		const errors = [...new Set([...batchErrors, ...uploadErrors])];
		if (errors.length === 1) throw errors[0];
		if (errors.length > 1) throw new AggregateError(errors, `${errors.length} writes failed; first: ${errors[0].message}`);
	}

	function finish(status: FinalStatus = 'FINISHED'): Promise<void> {
		closed = true;
		finishing ??= (async () => {
			let flushError: unknown = null;
			try {
				await flush();
			} catch (e) {
				flushError = e;
			}
			try {
				if (!fatal && info) {
					const body = JSON.stringify({ status, end_time: Date.now() } satisfies EndRunBody);
					await transport.requestWithRetry('POST', nativePaths.runEnd(info.runId), { body }, control, o.onRetry);
				}
			} finally {
				if (sealTimer) clearTimeout(sealTimer);
				removeExitHook();
			}
			if (flushError) throw flushError;
		})();
		return finishing;
	}

	/** At exit: retry without letting the process end, but give up after exitTimeoutMs. */
	function exitWith(status: FinalStatus): Promise<void> {
		control.holdOpen();
		const deadline = unrefTimer(
			setTimeout(() => {
				control.stop();
				settleWaiters();
				onWarning(`gave up at exit after ${exitTimeoutMs} ms: ${queue.queuedPoints()} points undelivered`);
			}, exitTimeoutMs)
		);
		return finish(status)
			.catch(() => {})
			.finally(() => clearTimeout(deadline));
	}

	/** Browser unload: fire the queue with `keepalive` (duplicates of in-flight batches are dropped by batch id). */
	function onPageHide(): void {
		queue.seal();
		if (!info) return;
		let budget = KEEPALIVE_BUDGET_BYTES;
		for (const b of queue.pending()) {
			const body = bodyOf(b);
			if (body.length > budget) break;
			budget -= body.length;
			transport.request('POST', nativePaths.runLog(info.runId), { body, keepalive: true }).catch(() => {});
		}
	}

	return {
		ready,
		get info() {
			return info;
		},
		get stats() {
			return { deliveredPoints: delivered, droppedPoints: dropped, queuedPoints: queue.queuedPoints() };
		},
		log(metrics, opts = {}) {
			assertOpen('log');
			const timestamp = opts.timestamp ?? Date.now();
			const step = opts.step ?? nextStep;
			if (!Number.isSafeInteger(step)) throw new TypeError(`run.log: 'step' must be an integer, got ${step}`);
			if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new TypeError(`run.log: 'timestamp' must be ms since the epoch, got ${timestamp}`);
			const points: MetricPoint[] = [];
			for (const [key, value] of Object.entries(metrics)) {
				if (!isValidKey(key)) throw new TypeError(`run.log: invalid metric name '${key}'`);
				if (typeof value !== 'number') throw new TypeError(`run.log: metric '${key}' must be a number, got ${typeof value}`);
				points.push({ key, value, step, timestamp });
			}
			nextStep = Math.max(nextStep, step + 1);
			if (fatal) return; // the run does not exist on the server; reported once through onError
			const lost = queue.addPoints(points);
			if (lost > 0) {
				dropped += lost;
				if (!dropping) onWarning(`queue full (${maxQueuedPoints} points): dropping the oldest undelivered points`);
				dropping = true;
			}
			scheduleSeal();
		},
		logParams(params) {
			assertOpen('logParams');
			if (fatal) return;
			queue.addParams(stringifyValues(params, 'params'));
			scheduleSeal();
		},
		setTags(tags) {
			assertOpen('setTags');
			if (fatal) return;
			queue.addTags(stringifyValues(tags, 'tags'));
			scheduleSeal();
		},
		logArtifact(source, artifactPath) {
			assertOpen('logArtifact');
			const upload = (async () => {
				const files = await readArtifactSource(source, artifactPath);
				const { runId } = await ready;
				for (const f of files) {
					const path = f.path.split('/').map(encodeURIComponent).join('/');
					const ro = { body: f.body, contentType: f.body.type || 'application/octet-stream' };
					await transport.requestWithRetry('PUT', `/api/runs/${runId}/artifacts/${path}`, ro, control, o.onRetry);
				}
			})();
			artifacts.add(upload);
			upload.then(
				() => artifacts.delete(upload),
				(e: Error) => {
					artifacts.delete(upload);
					if (e !== fatal) onError(e);
				}
			);
			return upload;
		},
		flush,
		finish
	};
}

function stringifyValues(entries: Record<string, Scalar>, what: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(entries)) {
		if (!isValidKey(k)) throw new TypeError(`invalid ${what} key '${k}'`);
		if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError(`${what} '${k}' must be a string, number or boolean`);
		out[k] = String(v);
	}
	return out;
}

/** JSON has no NaN/Infinity: they travel as the strings the API reads back. */
function encodeValue(v: number): NumberJson {
	if (Number.isFinite(v)) return v;
	return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

function randomHex(bytes: number): string {
	return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}
