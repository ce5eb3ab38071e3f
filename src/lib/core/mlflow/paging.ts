// Page tokens for MLflow's paged endpoints: base64 of `{"offset": N}` like MLflow's own (clients treat them as
// opaque and echo `next_page_token` back), and slicing one page out of an ordered list.
import { invalid } from '../errors';
import { readInt, readString, type MlflowMessage } from './message';

/** The token that resumes a listing at item `offset` (≥ 0). */
export function createPageToken(offset: number): string {
	return btoa(JSON.stringify({ offset }));
}

/** The offset a token resumes at; an absent or empty token is 0. Malformed tokens are INVALID_PARAMETER_VALUE. */
export function readPageToken(token: string | undefined): number {
	if (!token) return 0;
	let decoded: string;
	try {
		decoded = atob(token.trim());
	} catch {
		throw invalid('Invalid page token, could not base64-decode');
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(decoded);
	} catch {
		throw invalid(`Invalid page token, decoded value=${decoded}`);
	}
	const offset = parsed !== null && typeof parsed === 'object' ? (parsed as { offset?: unknown }).offset : undefined;
	if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
		throw invalid(`Invalid page token, parsed value=${decoded}`);
	}
	return offset;
}

export interface Page<T> {
	items: T[];
	/** Present only when more items follow. */
	nextPageToken?: string;
}

export interface PageBounds {
	/** First item of the page (may be past the end: an empty page). */
	start: number;
	/** One past the last item of the page, at most the list's length. */
	end: number;
	/** Present only when more items follow. */
	nextPageToken?: string;
}

/** The page [offset, offset + maxResults) of a list of `length` items, with a token for the rest when there is a rest. */
export function readPageBounds(length: number, offset: number, maxResults: number): PageBounds {
	const end = offset + maxResults;
	return end < length ? { start: offset, end, nextPageToken: createPageToken(end) } : { start: offset, end: Math.max(offset, length) };
}

/** Items [offset, offset + maxResults) of `all`, with a token for the rest when there is a rest. */
export function readPage<T>(all: readonly T[], offset: number, maxResults: number): Page<T> {
	const { start, end, nextPageToken } = readPageBounds(all.length, offset, maxResults);
	const items = all.slice(start, end);
	return nextPageToken ? { items, nextPageToken } : { items };
}

/** The JSON text of a paged answer, `{"<field>": <listJson>, "next_page_token"?: …}`; `listJson` is JSON text already. */
export function writePageJson(field: string, listJson: string, nextPageToken?: string): string {
	const token = nextPageToken ? `,"next_page_token":${JSON.stringify(nextPageToken)}` : '';
	return `{${JSON.stringify(field)}:${listJson}${token}}`;
}

/** Checks a search page size: a positive integer no larger than `max` (MLflow's messages). */
export function checkMaxResults(maxResults: number, max: number): number {
	if (maxResults < 1) throw invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
	if (maxResults > max) throw invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${max}`);
	return maxResults;
}

/** A search request's page: `max_results` (default `defaultMax`, checked against `max`) and where `page_token` resumes. */
export function readPageRequest(m: MlflowMessage, defaultMax: number, max: number): { maxResults: number; offset: number } {
	return {
		maxResults: checkMaxResults(readInt(m, 'max_results') ?? defaultMax, max),
		offset: readPageToken(readString(m, 'page_token'))
	};
}
