// Answers a GET/HEAD with one stored blob: ETag = sha256, conditional requests (304), one Range (206/416),
// caching by route kind, and the headers that keep uploaded HTML/SVG from running as the app's own pages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../blobs/blob-store';
import { formatContentRange, parseRange } from '../blobs/http-range';

export const CACHE_CONTROL = {
	/** content-addressed URLs: the bytes behind them never change */
	immutable: 'public, max-age=31536000, immutable',
	/** path-based URLs: the path may be overwritten, so revalidate (cheap: ETag) every time */
	revalidate: 'no-cache'
} as const;

/** Types a browser would render as an active document from our origin; served sandboxed. */
const ACTIVE_TYPES = new Set(['text/html', 'image/svg+xml']);

export interface SendBlobOptions {
	sha256: string;
	/** bytes, as the store reports them (BlobStore.stat) */
	size: number;
	contentType: string;
	cache: keyof typeof CACHE_CONTROL;
	/** Adds `Content-Disposition: attachment` with this file name (MLflow's artifact downloads do). */
	attachmentName?: string;
}

/**
 * Streams the blob (or the requested range of it) to `res`; never buffers it. Resolves when the response is
 * finished or the client has gone away. Throws BlobNotFoundError (before any header is sent) if the blob has gone.
 */
export async function sendBlob(req: IncomingMessage, res: ServerResponse, blobs: BlobStore, opts: SendBlobOptions): Promise<void> {
	const etag = `"${opts.sha256}"`;
	const headers: Record<string, string | number> = {
		etag,
		'cache-control': CACHE_CONTROL[opts.cache],
		'accept-ranges': 'bytes',
		'x-content-type-options': 'nosniff'
	};
	if (ACTIVE_TYPES.has(opts.contentType)) headers['content-security-policy'] = 'sandbox';
	if (opts.attachmentName !== undefined) headers['content-disposition'] = formatAttachment(opts.attachmentName);

	if (matchesEtag(req.headers['if-none-match'], etag)) {
		res.writeHead(304, headers).end();
		return;
	}
	const ifRange = req.headers['if-range'];
	const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, opts.size) : null;
	if (range === 'unsatisfiable') {
		res.writeHead(416, { ...headers, 'content-range': formatContentRange(range, opts.size), 'content-length': 0 }).end();
		return;
	}
	const stream = req.method === 'HEAD' ? null : await blobs.read(opts.sha256, range ?? undefined);
	headers['content-type'] = opts.contentType;
	if (range) {
		headers['content-range'] = formatContentRange(range, opts.size);
		headers['content-length'] = range.end - range.start + 1;
	} else headers['content-length'] = opts.size;
	res.writeHead(range ? 206 : 200, headers);
	if (stream === null) {
		res.end();
		return;
	}
	try {
		await pipeline(stream, res);
	} catch (e) {
		// A client that disconnects mid-download is not a server error; the stream's file handle is closed by pipeline.
		if ((e as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw e;
	}
}

function matchesEtag(header: string | undefined, etag: string): boolean {
	if (header === undefined) return false;
	return header.split(',').some((t) => {
		const tag = t.trim();
		return tag === '*' || tag === etag || tag === `W/${etag}`;
	});
}

/** `attachment; filename="plain.txt"; filename*=UTF-8''…` (RFC 6266), the quoted form ASCII-only. */
function formatAttachment(name: string): string {
	const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
