// Starts a real S3-compatible server for tests: moto in server mode (`.venv-s3`, made by tests/python/setup.sh) on a
// free loopback port with a fresh temp directory, and stops it after. Credentials are dummies, passed explicitly.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { waitFor } from './wait';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MOTO_SERVER = path.join(root, '.venv-s3', 'bin', 'moto_server');

/** What every test client signs with; moto accepts any. */
export const S3_TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const S3_TEST_REGION = 'us-east-1';

export interface S3Server {
	/** http://127.0.0.1:<port> */
	endpoint: string;
	/** The blob store URL of `bucket` (and `prefix`) on this server. */
	url(bucket: string, prefix?: string): string;
	/** A client for this server (the test's own view of the bucket). */
	client(): S3Client;
	/** Creates a bucket. */
	createBucket(bucket: string): Promise<void>;
	/** SIGTERM, then waits for exit. */
	stop(): Promise<void>;
	/** SIGKILL (the server vanishing mid-use), then waits for exit. */
	kill(): Promise<void>;
}

/** Starts `moto_server -H 127.0.0.1 -p 0` and resolves once it answers S3 requests. */
export async function startS3(timeoutMs = 30_000): Promise<S3Server> {
	const dir = await mkdtemp(path.join(tmpdir(), 'tandem-s3-'));
	// moto spools object bodies to temp files: keep them in this server's own directory.
	const proc = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', '0'], {
		cwd: dir,
		env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir, PYTHONUNBUFFERED: '1', ...dummyAwsEnv() },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	let exitedWith: string | null = null;
	const exited = new Promise<void>((resolve) =>
		proc.once('exit', (code, signal) => {
			exitedWith = String(code ?? signal);
			resolve();
		})
	);
	const onData = (d: Buffer) => {
		// Request log lines are dropped once started: only the startup output matters for errors.
		if (out.length < 20_000) out += d.toString();
	};
	proc.stdout!.on('data', onData);
	proc.stderr!.on('data', onData);
	const cleanup = async (signal: NodeJS.Signals) => {
		if (exitedWith === null) proc.kill(signal);
		await exited;
		await rm(dir, { recursive: true, force: true });
	};
	try {
		const port = await waitFor(
			() => {
				if (exitedWith !== null) throw new Error(`moto_server exited (${exitedWith}):\n${out}`);
				return /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
			},
			{ timeoutMs, what: `moto_server to start (${MOTO_SERVER}; run tests/python/setup.sh)`, events: [[proc.stderr!, 'data'], [proc.stdout!, 'data']] }
		);
		const endpoint = `http://127.0.0.1:${port}`;
		await waitFor(async () => (await fetch(`${endpoint}/`)).ok, { timeoutMs, what: `moto_server at ${endpoint} to answer` });
		const client = () =>
			new S3Client({ endpoint, region: S3_TEST_REGION, forcePathStyle: true, credentials: S3_TEST_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
		return {
			endpoint,
			url: (bucket, prefix) => `s3://${bucket}/${prefix ?? ''}?endpoint=${encodeURIComponent(endpoint)}&region=${S3_TEST_REGION}&path_style=1`,
			client,
			async createBucket(bucket) {
				const c = client();
				try {
					await c.send(new CreateBucketCommand({ Bucket: bucket }));
				} finally {
					c.destroy();
				}
			},
			stop: () => cleanup('SIGTERM'),
			kill: () => cleanup('SIGKILL')
		};
	} catch (e) {
		await cleanup('SIGKILL');
		throw e;
	}
}

function dummyAwsEnv(): Record<string, string> {
	return { AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey, AWS_DEFAULT_REGION: S3_TEST_REGION };
}
