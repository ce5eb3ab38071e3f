// What `run.logArtifact` accepts, turned into re-readable Blobs with their destination paths: bytes and Blobs
// anywhere; file and directory paths where a `node:fs` exists (Node, Bun, Deno), loaded by dynamic import only.

export type ArtifactSource = string | Blob | ArrayBuffer | ArrayBufferView;

export interface ArtifactUpload {
	/** Destination inside the run's artifacts, '/'-separated. */
	path: string;
	body: Blob;
}

interface FsLike {
	promises: {
		stat(p: string): Promise<{ isFile(): boolean; isDirectory(): boolean }>;
		readdir(p: string): Promise<string[]>;
		readFile(p: string): Promise<Uint8Array>;
	};
	/** Node ≥ 19.8: a Blob backed by the file, read lazily (never loaded whole). */
	openAsBlob?: (p: string) => Promise<Blob>;
}

/**
 * Resolves a source into uploads. `artifactPath` is the destination of the file (or the root of a directory's
 * files); without it a file path or a `File` keeps its own name and a directory keeps its base name. Anonymous
 * bytes need an `artifactPath` (TypeError otherwise).
 */
export async function readArtifactSource(source: ArtifactSource, artifactPath?: string): Promise<ArtifactUpload[]> {
	if (typeof source !== 'string') {
		const name = artifactPath ?? (source as { name?: unknown }).name;
		if (typeof name !== 'string' || name === '') throw new TypeError('logArtifact: give an artifactPath for bytes or a Blob without a name');
		const body = source instanceof Blob ? source : new Blob([source as BlobPart]);
		return [{ path: name, body }];
	}
	const fs = await loadFs();
	const st = await fs.promises.stat(source);
	const dest = artifactPath ?? baseName(source);
	if (st.isFile()) return [{ path: dest, body: await readFileBlob(fs, source) }];
	if (!st.isDirectory()) throw new TypeError(`logArtifact: '${source}' is neither a file nor a directory`);
	const uploads: ArtifactUpload[] = [];
	for (const rel of await listFiles(fs, source, '')) {
		uploads.push({ path: `${dest}/${rel}`, body: await readFileBlob(fs, `${source}/${rel}`) });
	}
	return uploads;
}

async function loadFs(): Promise<FsLike> {
	const specifier = 'node:fs'; // kept out of bundlers' static analysis: browsers never load it
	try {
		return (await import(/* @vite-ignore */ specifier)) as FsLike;
	} catch {
		throw new TypeError('logArtifact: file paths need a runtime with node:fs; pass a Blob or bytes instead');
	}
}

async function readFileBlob(fs: FsLike, path: string): Promise<Blob> {
	if (fs.openAsBlob) return fs.openAsBlob(path);
	return new Blob([(await fs.promises.readFile(path)) as BlobPart]);
}

/** Every file below `dir`, as '/'-separated paths relative to it, sorted. */
async function listFiles(fs: FsLike, dir: string, prefix: string): Promise<string[]> {
	const out: string[] = [];
	for (const name of (await fs.promises.readdir(`${dir}/${prefix}`)).sort()) {
		const rel = prefix ? `${prefix}/${name}` : name;
		const st = await fs.promises.stat(`${dir}/${rel}`);
		if (st.isDirectory()) out.push(...(await listFiles(fs, dir, rel)));
		else if (st.isFile()) out.push(rel);
	}
	return out;
}

function baseName(path: string): string {
	const parts = path.split(/[\\/]/).filter((s) => s !== '');
	return parts[parts.length - 1] ?? path;
}
