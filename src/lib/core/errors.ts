// API errors with MLflow's error codes and the HTTP status each maps to; thrown by parsers and services,
// turned into `{error_code, message}` responses at the HTTP edge.

export const ERROR_STATUS = {
	INVALID_PARAMETER_VALUE: 400,
	BAD_REQUEST: 400,
	MALFORMED_REQUEST: 400,
	RESOURCE_ALREADY_EXISTS: 400,
	INVALID_STATE: 400,
	UNAUTHENTICATED: 401,
	PERMISSION_DENIED: 403,
	RESOURCE_DOES_NOT_EXIST: 404,
	ENDPOINT_NOT_FOUND: 404,
	METHOD_NOT_ALLOWED: 405,
	REQUEST_LIMIT_EXCEEDED: 413,
	RESOURCE_EXHAUSTED: 429,
	INTERNAL_ERROR: 500,
	/** A backend (PostgreSQL, Redis) cannot be reached right now: retry. */
	TEMPORARILY_UNAVAILABLE: 503
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Longest error message sent: messages quote what they refuse, which a hostile client can make megabytes long. */
export const MAX_ERROR_MESSAGE = 8192;

/** Cuts the middle out of a long message (the quoted value), keeping how it starts and ends (what was wrong). */
function capMessage(message: string): string {
	if (message.length <= MAX_ERROR_MESSAGE) return message;
	const head = message.slice(0, MAX_ERROR_MESSAGE - 1024);
	const tail = message.slice(-1024);
	return `${head}… (${message.length - head.length - tail.length} characters left out) …${tail}`;
}

export class ApiError extends Error {
	readonly code: ErrorCode;
	readonly status: number;
	constructor(code: ErrorCode, message: string) {
		super(capMessage(message));
		this.code = code;
		this.status = ERROR_STATUS[code];
	}
	toJSON(): { error_code: ErrorCode; message: string } {
		return { error_code: this.code, message: this.message };
	}
}

export const invalid = (message: string) => new ApiError('INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string) => new ApiError('RESOURCE_DOES_NOT_EXIST', message);
export const alreadyExists = (message: string) => new ApiError('RESOURCE_ALREADY_EXISTS', message);
