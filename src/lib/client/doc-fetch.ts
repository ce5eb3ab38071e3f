// Reads documents' missing updates over HTTP without a socket (DESIGN §2: everything past the live providers),
// batching the requests made in the same task into one `POST /api/docs` (task-batch.ts): a chart of 100 runs asks
// for 100 series documents at once.
import { nativePaths, type DocBatchBody, type DocBatchEntry } from '../core/api/native';
import { decodeDocBatchAnswer, encodeBase64, MAX_BATCH_DOCS } from '../core/doc-batch';
import { fetchApi } from './auth-events';
import { createTaskBatch } from './task-batch';

const fetchBatch = createTaskBatch(async (items: { name: string; sv: Uint8Array }[]) => {
	const res = await fetchApi(nativePaths.docs(), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ docs: items.map((i): DocBatchEntry => ({ name: i.name, sv: encodeBase64(i.sv) })) } satisfies DocBatchBody)
	});
	if (!res.ok) throw new Error(`POST /api/docs answered ${res.status}`);
	return decodeDocBatchAnswer(new Uint8Array(await res.arrayBuffer()));
}, MAX_BATCH_DOCS);

/** The update a client at state vector `sv` lacks for document `name`; rejects when the server is unreachable. */
export function fetchDocDiff(name: string, sv: Uint8Array): Promise<Uint8Array> {
	return fetchBatch({ name, sv });
}
