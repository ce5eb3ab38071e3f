// HTTP for the fuzz tests: requests written byte for byte on a raw socket (fetch would resolve `..` and `%2e%2e`
// before sending), each with a deadline; the invariant every answer to bad input keeps (a 4xx with a JSON
// `{error_code, message}` body; a 5xx or no answer is a finding); and findings deduplicated with a reproduction.
import net from 'node:net';

export interface FuzzRequest {
	method: string;
	/** The request target exactly as sent (path and query, percent-encoded or not). */
	target: string;
	headers?: Record<string, string>;
	body?: Uint8Array;
	/** What generated it, for the report (e.g. 'mutated runs/log-batch'). */
	label: string;
}

export interface FuzzAnswer {
	/** 0 when the connection closed (or the deadline passed) with no status line. */
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	ms: number;
	timedOut: boolean;
}

export const REQUEST_TIMEOUT_MS = 10_000;

/** Sends `req` on a fresh connection (`Connection: close`) and reads the whole answer; never rejects. */
export function sendRaw(baseUrl: string, req: FuzzRequest, timeoutMs = REQUEST_TIMEOUT_MS): Promise<FuzzAnswer> {
	const { hostname, port } = new URL(baseUrl);
	const started = performance.now();
	const headers: Record<string, string> = { host: `${hostname}:${port}`, connection: 'close', ...req.headers };
	if (req.body && !Object.keys(headers).some((h) => h.toLowerCase() === 'transfer-encoding')) headers['content-length'] = String(req.body.byteLength);
	const head = `${req.method} ${req.target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
	return new Promise((resolve) => {
		const socket = net.connect(Number(port), hostname);
		const chunks: Buffer[] = [];
		let done = false;
		const finish = (timedOut: boolean) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			socket.destroy();
			resolve({ ...parseAnswer(Buffer.concat(chunks), req.method === 'HEAD'), ms: performance.now() - started, timedOut });
		};
		const timer = setTimeout(() => finish(true), timeoutMs);
		socket.on('data', (d: Buffer) => chunks.push(d));
		socket.on('error', () => finish(false)); // EPIPE/ECONNRESET after an early answer: keep what came
		socket.on('close', () => finish(false));
		socket.on('connect', () => {
			socket.write(Buffer.from(head, 'latin1'));
			if (req.body) socket.write(req.body);
		});
	});
}

/** Status, headers and (de-chunked) body of a raw HTTP/1.1 answer; status 0 if there is no status line. */
function parseAnswer(raw: Buffer, isHead: boolean): Omit<FuzzAnswer, 'ms' | 'timedOut'> {
	const end = raw.indexOf('\r\n\r\n');
	const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw.subarray(0, Math.min(raw.length, 32)).toString('latin1'));
	if (end < 0 || !m) return { status: m ? Number(m[1]) : 0, headers: {}, body: Buffer.alloc(0) };
	const headers: Record<string, string> = {};
	for (const line of raw.subarray(0, end).toString('latin1').split('\r\n').slice(1)) {
		const colon = line.indexOf(':');
		if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	let body = isHead ? Buffer.alloc(0) : raw.subarray(end + 4);
	if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
	return { status: Number(m[1]), headers, body };
}

function dechunk(b: Buffer): Buffer {
	const parts: Buffer[] = [];
	let at = 0;
	for (;;) {
		const lineEnd = b.indexOf('\r\n', at);
		if (lineEnd < 0) break;
		const size = parseInt(b.subarray(at, lineEnd).toString('latin1'), 16);
		if (!(size > 0)) break;
		parts.push(b.subarray(lineEnd + 2, lineEnd + 2 + size));
		at = lineEnd + 2 + size + 2;
	}
	return Buffer.concat(parts);
}

/** An error answer past this echoes the hostile input back (a 1 MB name in, a 2 MB message out). */
export const MAX_ERROR_BYTES = 64 * 1024;

/** Statuses the server answers on purpose without a JSON error body: not modified, range not satisfiable. */
const BODYLESS_REFUSALS = new Set([304, 416]);

/**
 * What is wrong with `answer` as an answer to (possibly bad) input, or null: no answer in time, no status line, a
 * 5xx (501, the refusal of an unsupported feature, aside), or a 4xx whose body is not `{error_code, message}` JSON
 * or is larger than MAX_ERROR_BYTES.
 */
export function checkAnswer(req: FuzzRequest, answer: FuzzAnswer): string | null {
	if (answer.timedOut) return `no answer within ${REQUEST_TIMEOUT_MS} ms`;
	if (answer.status === 0) return 'connection closed without an answer';
	if (answer.status >= 500 && answer.status !== 501) return `answered ${answer.status}`;
	if (answer.status < 400 || req.method === 'HEAD' || BODYLESS_REFUSALS.has(answer.status)) return null;
	if (answer.body.byteLength > MAX_ERROR_BYTES) return `answered ${answer.status} with an error body over ${MAX_ERROR_BYTES / 1024} KiB (it quotes the input)`;
	try {
		const body = JSON.parse(answer.body.toString('utf8')) as { error_code?: unknown; message?: unknown };
		if (typeof body?.error_code === 'string' && typeof body.message === 'string') return null;
	} catch {
		// not JSON
	}
	return `answered ${answer.status} without a JSON {error_code, message} body`;
}

export interface Finding {
	/** Dedup key: what failed, where, and how the server answered (ids and numbers blanked). */
	key: string;
	problem: string;
	label: string;
	/** A curl command that replays the first case found. */
	repro: string;
	answer: string;
	count: number;
}

/** A curl command for `req` (body quoted up to 300 bytes; longer ones described by their size). */
export function formatRepro(baseUrl: string, req: FuzzRequest): string {
	const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
	const target = req.target.length > 300 ? `${req.target.slice(0, 300)}…(${req.target.length} chars)` : req.target;
	const parts = [`curl --path-as-is -X ${req.method} ${q(baseUrl + target)}`];
	for (const [k, v] of Object.entries(req.headers ?? {})) parts.push(`-H ${q(`${k}: ${v}`)}`);
	if (req.body) {
		const text = Buffer.from(req.body).toString('utf8');
		parts.push(`--data-binary ${q(text.length > 300 ? `${text.slice(0, 300)}…(${req.body.byteLength} bytes)` : text)}`);
	}
	return parts.join(' ');
}

/** Collects findings, one per distinct (problem, route, answer) with a count and the first reproduction. */
export function createFindings(baseUrl: () => string) {
	const byKey = new Map<string, Finding>();
	const blank = (s: string) => s.replace(/[0-9a-f]{32}|m-[0-9a-f]{32}/g, '<id>').replace(/\d+/g, 'N').slice(0, 160);
	return {
		add(problem: string, req: FuzzRequest, answer?: FuzzAnswer) {
			const answerText = answer ? `${answer.status} ${answer.body.toString('utf8').slice(0, 300)}` : '';
			const route = req.target.split('?')[0].replace(/\/(artifacts|docs|blobs|metrics)\/.*$/, '/$1/…');
			const key = `${problem} | ${req.method} ${blank(route)} | ${blank(answerText)}`;
			const seen = byKey.get(key);
			if (seen) seen.count++;
			else byKey.set(key, { key, problem, label: req.label, repro: formatRepro(baseUrl(), req), answer: answerText, count: 1 });
		},
		list: () => [...byKey.values()],
		/** One line per finding, for a failing expect's message and the log. */
		report: () => [...byKey.values()].map((f) => `- ${f.problem} ×${f.count} [${f.label}]\n    ${f.repro}\n    → ${f.answer}`).join('\n')
	};
}

export type Findings = ReturnType<typeof createFindings>;
