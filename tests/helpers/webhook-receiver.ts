// A webhook receiver on loopback for tests: records every POST (headers, body, when), answers with the statuses
// queued by `answer(...)` (then 200), checks MLflow's signature, and emits 'request' so tests wait on deliveries.
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface Received {
	deliveryId: string;
	timestamp: string;
	signature: string | undefined;
	body: string;
	/** The parsed body: {entity, action, timestamp, data}. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
	/** performance.now() when it arrived. */
	at: number;
	/** The status it was answered with. */
	status: number;
}

export interface WebhookReceiver {
	url: string;
	received: Received[];
	events: EventEmitter;
	/** Answers the next requests with these statuses (then 200 again); a status with `retryAfter` sends Retry-After. */
	answer(...statuses: number[]): void;
	/** Whether `r` carries MLflow's v1 signature of its id, timestamp and body under `secret`. */
	verify(r: Received, secret: string): boolean;
	close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
	const received: Received[] = [];
	const events = new EventEmitter();
	const queue: number[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const status = queue.shift() ?? 200;
			const r: Received = {
				deliveryId: String(req.headers['x-mlflow-delivery-id'] ?? ''),
				timestamp: String(req.headers['x-mlflow-timestamp'] ?? ''),
				signature: req.headers['x-mlflow-signature'] as string | undefined,
				body,
				json: JSON.parse(body),
				at: performance.now(),
				status
			};
			received.push(r);
			res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 400 ? 'ok' : 'not now');
			events.emit('request', r);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		received,
		events,
		answer: (...statuses) => void queue.push(...statuses),
		verify: (r, secret) => r.signature === `v1,${createHmac('sha256', secret).update(`${r.deliveryId}.${r.timestamp}.${r.body}`).digest('base64')}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
