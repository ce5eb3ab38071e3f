// Reads documents' missing updates over HTTP without a socket (DESIGN §2: everything past the live providers),
// batching the requests made in the same task into one `POST /api/docs`: a chart of 100 runs asks for 100 series
// documents at once, and a browser opens only 6 connections per host. The batch is sent within that task, before
// the browser renders the frame the same change may have made heavy.
import { nativePaths, type DocBatchBody, type DocBatchEntry } from '../core/api/native';
import { decodeDocBatchAnswer, encodeBase64, MAX_BATCH_DOCS } from '../core/doc-batch';
import { fetchApi } from './auth-events';

interface Pending {
	name: string;
	sv: Uint8Array;
	resolve(update: Uint8Array): void;
	reject(err: unknown): void;
}

let queue: Pending[] = [];
let scheduled = false;
/** Queue length at the last check, and microtasks since it last grew: the batch goes after QUIET_TICKS quiet ones. */
let seen = 0;
let quiet = 0;
const QUIET_TICKS = 4;

async function send(items: Pending[]): Promise<void> {
	try {
		const res = await fetchApi(nativePaths.docs(), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ docs: items.map((i): DocBatchEntry => ({ name: i.name, sv: encodeBase64(i.sv) })) } satisfies DocBatchBody)
		});
		if (!res.ok) throw new Error(`POST /api/docs answered ${res.status}`);
		const updates = decodeDocBatchAnswer(new Uint8Array(await res.arrayBuffer()));
		if (updates.length !== items.length) throw new Error(`POST /api/docs answered ${updates.length} of ${items.length} documents`);
		items.forEach((item, k) => item.resolve(updates[k]));
	} catch (err) {
		for (const item of items) item.reject(err);
	}
}

/** Sends the queue once the requests of this task have stopped arriving (each comes a few microtasks deep). */
function settle(): void {
	if (queue.length !== seen) (seen = queue.length), (quiet = 0);
	if (quiet++ < QUIET_TICKS) queueMicrotask(settle);
	else flush();
}

function flush(): void {
	scheduled = false;
	seen = quiet = 0;
	const all = queue;
	queue = [];
	for (let i = 0; i < all.length; i += MAX_BATCH_DOCS) void send(all.slice(i, i + MAX_BATCH_DOCS));
}

/** The update a client at state vector `sv` lacks for document `name`; rejects when the server is unreachable. */
export function fetchDocDiff(name: string, sv: Uint8Array): Promise<Uint8Array> {
	return new Promise((resolve, reject) => {
		queue.push({ name, sv, resolve, reject });
		if (!scheduled) {
			scheduled = true;
			queueMicrotask(settle);
		}
	});
}
