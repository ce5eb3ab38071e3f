// `npm run tandem -- migrate --from DIR --to-store postgres://… --to-blobs s3://…`: copies an embedded data directory
// into PostgreSQL and/or S3 — every document as one snapshot, every blob streamed, and (into PostgreSQL) users,
// tokens, grants and webhooks — then verifies the copy by re-reading it. Refuses a target that holds anything.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { parseTtl } from '../src/lib/core/access';
import { BackendUrlError, parsePostgresUrl, parseS3Url, type PostgresUrl, type S3Url } from '../src/lib/core/backend-urls';
import { DEFAULT_CONNECT_TIMEOUT_MS, openBackends, type Backends } from './backends';
import { createSqliteStore } from './store/sqlite-store';
import { createFsBlobStore } from './blobs/fs-blob-store';
import type { DocStore } from './store/doc-store';
import type { BlobStore } from './blobs/blob-store';
import { copyAccessRows, countAccessRows, type AccessCounts } from './migrate-access';

export const MIGRATE_USAGE = `usage: npm run tandem -- migrate --from DIR [--to-store postgres://…] [--to-blobs s3://…] [--connect-timeout 30s]
  Copies the embedded data directory DIR (documents in DIR/tandem.db, blobs in DIR/blobs, users and webhooks in
  DIR/auth.db and DIR/webhooks.db) into PostgreSQL and/or S3, then verifies the copy. Give either target alone or
  both. The targets must be empty. Stop the server on DIR first: writes made while it copies may be missed.
  S3 credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.`;

/** Exit codes: 2 a usage error, 3 a target that is not empty (nothing written), 4 verification failed, 1 anything else. */
export class MigrateError extends Error {
	constructor(
		message: string,
		readonly exitCode: 1 | 2 | 3 | 4
	) {
		super(message);
		this.name = 'MigrateError';
	}
}

export interface MigrateOptions {
	from: string;
	toStore: PostgresUrl | null;
	toBlobs: S3Url | null;
	connectTimeoutMs?: number;
	out: (line: string) => void;
}

export interface MigrateSummary {
	documents: number;
	/** Encoded bytes of the documents' snapshots as written. */
	documentBytes: number;
	blobs: number;
	blobBytes: number;
	access: AccessCounts | null;
	seconds: number;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A document's digests: of its state vector and of its whole state re-encoded. */
interface DocDigest {
	stateVector: string;
	state: string;
}

async function loadDoc(store: DocStore, name: string): Promise<Y.Doc> {
	const stored = await store.load(name);
	const doc = new Y.Doc();
	Y.transact(doc, () => {
		if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
		for (const u of stored.updates) Y.applyUpdate(doc, u);
	});
	return doc;
}

function digest(doc: Y.Doc, state = Y.encodeStateAsUpdate(doc)): DocDigest {
	return { stateVector: sha256(Y.encodeStateVector(doc)), state: sha256(state) };
}

/** Prints at most one progress line a second, and always the last one. */
function progress(out: (line: string) => void, what: string, total: number) {
	let last = 0;
	return (done: number, extra = '') => {
		const now = Date.now();
		if (done !== total && now - last < 1000) return;
		last = now;
		out(`  ${what}: ${done}/${total}${extra}`);
	};
}

/** Bounds what the target holds queued: a flush every this many documents or bytes. */
const FLUSH_EVERY_DOCS = 64;
const FLUSH_EVERY_BYTES = 16 * 1024 * 1024;

async function copyDocuments(source: DocStore, target: DocStore, out: (line: string) => void) {
	const names = (await source.list()).sort();
	const digests = new Map<string, DocDigest>();
	const tick = progress(out, 'documents', names.length);
	let bytes = 0;
	let pending = 0;
	let pendingBytes = 0;
	for (const [i, name] of names.entries()) {
		const doc = await loadDoc(source, name);
		const state = Y.encodeStateAsUpdate(doc);
		digests.set(name, digest(doc, state));
		doc.destroy();
		target.append(name, state);
		bytes += state.byteLength;
		pending++;
		pendingBytes += state.byteLength;
		if (pending >= FLUSH_EVERY_DOCS || pendingBytes >= FLUSH_EVERY_BYTES) {
			await target.flush();
			pending = pendingBytes = 0;
		}
		tick(i + 1);
	}
	await target.flush();
	if (names.length === 0) out('  documents: none');
	return { digests, bytes };
}

async function verifyDocuments(target: DocStore, digests: Map<string, DocDigest>): Promise<string[]> {
	const problems: string[] = [];
	const names = await target.list();
	if (names.length !== digests.size) problems.push(`the target holds ${names.length} documents, the source ${digests.size}`);
	for (const [name, want] of digests) {
		const doc = await loadDoc(target, name);
		const got = digest(doc);
		doc.destroy();
		if (got.stateVector !== want.stateVector) problems.push(`document ${name}: state vector differs (sha256 ${got.stateVector} ≠ ${want.stateVector})`);
		else if (got.state !== want.state) problems.push(`document ${name}: content differs (sha256 ${got.state} ≠ ${want.state})`);
	}
	return problems;
}

async function copyBlobs(source: BlobStore, target: BlobStore, out: (line: string) => void) {
	const names: string[] = [];
	for await (const sha of source.list()) names.push(sha);
	names.sort();
	const tick = progress(out, 'blobs', names.length);
	let bytes = 0;
	for (const [i, sha] of names.entries()) {
		// Streamed: read from the file, hashed and uploaded in parts by the target; never whole in memory.
		const info = await target.put(await source.read(sha), { expectedSha256: sha });
		bytes += info.size;
		tick(i + 1, `, ${(bytes / 1048576).toFixed(1)} MiB`);
	}
	if (names.length === 0) out('  blobs: none');
	return { names, bytes };
}

async function hashStream(stream: NodeJS.ReadableStream): Promise<{ sha256: string; size: number }> {
	const hash = createHash('sha256');
	let size = 0;
	for await (const chunk of stream as AsyncIterable<Buffer>) {
		hash.update(chunk);
		size += chunk.length;
	}
	return { sha256: hash.digest('hex'), size };
}

async function verifyBlobs(target: BlobStore, names: string[]): Promise<string[]> {
	const problems: string[] = [];
	let count = 0;
	for await (const _ of target.list()) count++;
	if (count !== names.length) problems.push(`the target holds ${count} blobs, the source ${names.length}`);
	for (const sha of names) {
		try {
			const got = await hashStream(await target.read(sha));
			if (got.sha256 !== sha) problems.push(`blob ${sha}: reads back as sha256 ${got.sha256}`);
		} catch (e) {
			problems.push(`blob ${sha}: ${(e as Error).message}`);
		}
	}
	return problems;
}

async function firstBlob(blobs: BlobStore): Promise<string | null> {
	for await (const sha of blobs.list()) return sha;
	return null;
}

/** Refuses (exit 3) a target holding any document, blob, user, token, grant or webhook, before anything is written. */
async function checkEmpty(opts: MigrateOptions, targets: Backends): Promise<void> {
	const found: string[] = [];
	const { store, blobs } = targets.parts;
	if (store) {
		const names = await store.list();
		if (names.length > 0) found.push(`${opts.toStore!.display} holds ${names.length} document${names.length === 1 ? '' : 's'} (e.g. ${names[0]})`);
		const access = await countAccessRows(opts.toStore!.url);
		const rows = Object.entries(access).filter(([, n]) => n > 0);
		if (rows.length > 0) found.push(`${opts.toStore!.display} holds ${rows.map(([k, n]) => `${n} ${k}`).join(', ')}`);
	}
	if (blobs) {
		const sha = await firstBlob(blobs);
		if (sha) found.push(`${opts.toBlobs!.display} holds blobs (e.g. ${sha})`);
	}
	if (found.length > 0) {
		throw new MigrateError(`refusing to migrate into a target that is not empty: ${found.join('; ')}. Nothing was written.`, 3);
	}
}

export async function migrate(opts: MigrateOptions): Promise<MigrateSummary> {
	const started = performance.now();
	const { out } = opts;
	const from = path.resolve(opts.from);
	if (!existsSync(from) || !statSync(from).isDirectory()) throw new MigrateError(`--from ${opts.from}: no such data directory`, 2);
	const dbFile = path.join(from, 'tandem.db');
	if (opts.toStore && !existsSync(dbFile)) throw new MigrateError(`--from ${opts.from}: no tandem.db there (is it a Tandem data directory?)`, 2);
	out(`migrating ${from} → ${[opts.toStore?.display, opts.toBlobs?.display].filter(Boolean).join(' and ')}`);
	const targets = await openBackends({
		urls: { store: opts.toStore, blobs: opts.toBlobs, fanout: null },
		connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
		withAccessStores: false,
		log: (m) => out(`  ${m}`)
	});
	// SQLite in WAL mode may be read while a server writes it; each document is read consistently, but a write made
	// after its turn is not copied. Hence: stop the server first (said in the usage).
	const sourceStore = opts.toStore ? createSqliteStore({ path: dbFile }) : null;
	const blobDir = path.join(from, 'blobs');
	const sourceBlobs = opts.toBlobs && existsSync(blobDir) ? await createFsBlobStore(blobDir) : null;
	try {
		await checkEmpty(opts, targets);
		const summary: MigrateSummary = { documents: 0, documentBytes: 0, blobs: 0, blobBytes: 0, access: null, seconds: 0 };
		const problems: string[] = [];
		if (sourceStore && targets.parts.store) {
			const { digests, bytes } = await copyDocuments(sourceStore, targets.parts.store, out);
			summary.documents = digests.size;
			summary.documentBytes = bytes;
			summary.access = await copyAccessRows(from, opts.toStore!.url, out);
			out('  verifying documents…');
			problems.push(...(await verifyDocuments(targets.parts.store, digests)));
		}
		if (targets.parts.blobs) {
			const { names, bytes } = sourceBlobs ? await copyBlobs(sourceBlobs, targets.parts.blobs, out) : { names: [], bytes: 0 };
			if (!sourceBlobs) out('  blobs: none (no blobs directory)');
			summary.blobs = names.length;
			summary.blobBytes = bytes;
			out('  verifying blobs…');
			problems.push(...(await verifyBlobs(targets.parts.blobs, names)));
		}
		summary.seconds = (performance.now() - started) / 1000;
		if (problems.length > 0) throw new MigrateError(`verification failed:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`, 4);
		const access = summary.access;
		out(
			`migrated and verified ${summary.documents} documents (${summary.documentBytes} bytes), ${summary.blobs} blobs (${summary.blobBytes} bytes)` +
				(access ? `, ${access.users} users, ${access.tokens} tokens, ${access.grants} grants, ${access.webhooks} webhooks` : '') +
				` in ${summary.seconds.toFixed(1)} s`
		);
		return summary;
	} finally {
		await sourceStore?.close();
		await targets.close();
	}
}

function readTimeout(text: string): number {
	const ms = parseTtl(text);
	if (ms === null) throw new MigrateError(`migrate: --connect-timeout must be a duration like 30s or 2m, not '${text}'`, 2);
	return ms;
}

/** Parses `migrate …` arguments (after the word `migrate`) and runs it; returns the process exit code. */
export async function runMigrateCommand(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
	const flags = new Map<string, string>();
	try {
		for (let i = 0; i < argv.length; i++) {
			const a = argv[i];
			if (a === '--help' || a === '-h') {
				out(MIGRATE_USAGE);
				return 0;
			}
			if (!['--from', '--to-store', '--to-blobs', '--connect-timeout'].includes(a)) throw new MigrateError(`migrate: unknown argument '${a}'`, 2);
			const v = argv[++i];
			if (v === undefined || v.startsWith('--')) throw new MigrateError(`migrate: ${a} needs a value`, 2);
			if (flags.has(a)) throw new MigrateError(`migrate: ${a} is given twice`, 2);
			flags.set(a, v);
		}
		const from = flags.get('--from');
		if (!from) throw new MigrateError('migrate: --from DIR is required', 2);
		const store = flags.get('--to-store');
		const blobs = flags.get('--to-blobs');
		if (store === undefined && blobs === undefined) throw new MigrateError('migrate: give --to-store postgres://…, --to-blobs s3://… or both', 2);
		const timeout = flags.get('--connect-timeout');
		await migrate({
			from,
			toStore: store === undefined ? null : parsePostgresUrl(store, '--to-store'),
			toBlobs: blobs === undefined ? null : parseS3Url(blobs, '--to-blobs'),
			connectTimeoutMs: timeout === undefined ? undefined : readTimeout(timeout),
			out
		});
		return 0;
	} catch (e) {
		const code = e instanceof MigrateError ? e.exitCode : e instanceof BackendUrlError ? 2 : 1;
		err(`tandem: ${(e as Error).message}`);
		if (code === 2) err(MIGRATE_USAGE);
		return code;
	}
}
