// Fetches the start of a text artifact for its preview: one request for the first PREVIEW_MAX_BYTES (a Range
// request when the file is larger), decoded as UTF-8.
import { formatBlobUrl, PREVIEW_MAX_BYTES } from '$lib/core/artifact-preview';
import { fetchApi } from './auth-events';

export interface PreviewText {
	text: string;
	/** Only the start of the file was read. */
	truncated: boolean;
}

/** Reads up to PREVIEW_MAX_BYTES of the blob behind a manifest entry; rejects on an HTTP error or abort. */
export async function fetchPreviewText(entry: { sha256: string; size: number }, path: string, signal: AbortSignal): Promise<PreviewText> {
	const partial = entry.size > PREVIEW_MAX_BYTES;
	const res = await fetchApi(formatBlobUrl(entry.sha256, path), {
		signal,
		headers: partial ? { range: `bytes=0-${PREVIEW_MAX_BYTES - 1}` } : undefined
	});
	if (!res.ok) throw new Error(`The server answered ${res.status} ${res.statusText}`.trim());
	const bytes = new Uint8Array(await res.arrayBuffer());
	// A server that ignores Range sends it all: keep only the preview's share.
	const cut = bytes.byteLength > PREVIEW_MAX_BYTES ? bytes.subarray(0, PREVIEW_MAX_BYTES) : bytes;
	return { text: new TextDecoder().decode(cut), truncated: partial || cut !== bytes };
}
