// JSON over fetch for API tests: sends a JSON (or raw) body and returns the status and the parsed answer.

export interface JsonAnswer {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
}

export async function callJson(
	baseUrl: string,
	method: string,
	path: string,
	opts: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}
): Promise<JsonAnswer> {
	const res = await fetch(baseUrl + path, {
		method,
		headers: { 'content-type': 'application/json', ...opts.headers },
		body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body))
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null };
}
