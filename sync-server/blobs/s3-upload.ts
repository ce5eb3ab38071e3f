// Streams a body of unknown length to one S3 object: a single PutObject if it ends within the first part, else a
// multipart upload with `queueSize` parts in flight. Part buffers are recycled, so a put holds at most
// queueSize × partBytes however large the body; on any failure in-flight parts settle and the upload is aborted.
import {
	AbortMultipartUploadCommand,
	CompleteMultipartUploadCommand,
	CreateMultipartUploadCommand,
	PutObjectCommand,
	UploadPartCommand,
	type S3Client
} from '@aws-sdk/client-s3';
import { callS3 } from './s3-location';

export interface StreamUploadOptions {
	/** Bytes per part (S3: at least 5 MiB except the last) */
	partBytes: number;
	/** Parts uploaded at once */
	queueSize: number;
}

/** The first buffer starts small and doubles up to partBytes, so a small body never allocates a whole part. */
const FIRST_BUFFER_BYTES = 64 * 1024;
const CONTENT_TYPE = 'application/octet-stream';

/**
 * Uploads `chunks` to `key`. Errors the body throws are rethrown as they are; errors reaching S3 become
 * BlobStoreUnavailableError (callS3). Each chunk is copied before the next is pulled, so producers may reuse buffers.
 */
export async function uploadStream(client: S3Client, bucket: string, key: string, chunks: AsyncIterable<Uint8Array>, opts: StreamUploadOptions): Promise<void> {
	const { partBytes, queueSize } = opts;
	const free: Buffer[] = [];
	const inFlight = new Set<Promise<void>>();
	const parts: { PartNumber: number; ETag: string }[] = [];
	let uploadId: string | undefined;
	let partCount = 0;
	let failure: { error: unknown } | undefined;
	let part: Buffer = Buffer.allocUnsafe(Math.min(FIRST_BUFFER_BYTES, partBytes));
	let filled = 0;

	async function sendPart(buf: Buffer, length: number): Promise<void> {
		if (uploadId === undefined) {
			const created = await callS3('CreateMultipartUpload', () =>
				client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: CONTENT_TYPE }))
			);
			uploadId = created.UploadId;
		}
		const PartNumber = ++partCount;
		const UploadId = uploadId;
		const sending: Promise<void> = callS3('UploadPart', () =>
			client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body: buf.subarray(0, length), ContentLength: length }))
		)
			.then((out) => {
				if (!out.ETag) throw new Error(`S3 returned no ETag for part ${PartNumber} of ${key}`);
				parts.push({ PartNumber, ETag: out.ETag });
				free.push(buf);
			})
			.catch((error: unknown) => {
				failure ??= { error };
			})
			.finally(() => inFlight.delete(sending));
		inFlight.add(sending);
		while (inFlight.size >= queueSize) await Promise.race(inFlight);
		if (failure) throw failure.error;
	}

	try {
		for await (const chunk of chunks) {
			for (let offset = 0; offset < chunk.byteLength; ) {
				if (filled === part.length) {
					if (part.length < partBytes) {
						const bigger = Buffer.allocUnsafe(Math.min(part.length * 2, partBytes));
						part.copy(bigger, 0, 0, filled);
						part = bigger;
					} else {
						await sendPart(part, filled);
						part = free.pop() ?? Buffer.allocUnsafe(partBytes);
						filled = 0;
					}
				}
				const n = Math.min(chunk.byteLength - offset, part.length - filled);
				part.set(chunk.subarray(offset, offset + n), filled);
				filled += n;
				offset += n;
			}
		}
		if (uploadId === undefined) {
			const Body = part.subarray(0, filled);
			await callS3('PutObject', () => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body, ContentLength: filled, ContentType: CONTENT_TYPE })));
			return;
		}
		// Parts are sent only when the next byte needs room, so this last one is never empty.
		await sendPart(part, filled);
		await Promise.all(inFlight);
		if (failure) throw failure.error;
		parts.sort((a, b) => a.PartNumber - b.PartNumber);
		const UploadId = uploadId;
		await callS3('CompleteMultipartUpload', () =>
			client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }))
		);
	} catch (e) {
		await Promise.allSettled(inFlight);
		if (uploadId !== undefined) {
			const UploadId = uploadId;
			await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => {});
		}
		throw e;
	}
}
