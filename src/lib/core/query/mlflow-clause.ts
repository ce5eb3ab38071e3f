// What MLflow's search grammar accepts on the right of a comparator, and the comparison functions it applies:
// value checks with `search_utils.py`'s error messages, comparator sets, and compiled string/number tests.
import type { MlflowRawValue } from './mlflow-lexer';
import { createLikeMatcher } from './like-match';

export const NUMBER_COMPARATORS = ['=', '!=', '<', '<=', '>', '>='] as const;
export const STRING_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE'] as const;
export const LIST_COMPARATORS = ['IN', 'NOT IN'] as const;

export type NumberComparator = (typeof NUMBER_COMPARATORS)[number];
export type StringComparator = (typeof STRING_COMPARATORS)[number];
export type ListComparator = (typeof LIST_COMPARATORS)[number];

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Formats a comparator set the way MLflow's messages print a Python set. */
function formatSet(items: readonly string[]): string {
	return `{${items.map((c) => `'${c}'`).join(', ')}}`;
}

/** Accepts `comparator` only if it is one of `allowed`; MLflow's "Invalid comparator" message otherwise. */
export function checkComparator<C extends string>(comparator: string, allowed: readonly C[]): Checked<C> {
	if ((allowed as readonly string[]).includes(comparator)) return { ok: true, value: comparator as C };
	return { ok: false, error: `Invalid comparator '${comparator}' not one of '${formatSet(allowed)}'` };
}

/** A quoted string value: 'single' or "double". `what` names the target in the message (`parameter`, `tag`, …). */
export function checkStringValue(v: MlflowRawValue, what: string): Checked<string> {
	if (v.kind === 'string') return { ok: true, value: v.value };
	if (v.kind === 'ident') {
		if (v.quoted) return { ok: true, value: v.value };
		return {
			ok: false,
			error: `Parameter value is either not quoted or unidentified quote types used for string value ${v.text}. Use either single or double quotes.`
		};
	}
	return { ok: false, error: `Expected a quoted string value for ${what}. Got value ${v.text}` };
}

/** A numeric literal; `what` names the target (`metric`, `numeric attribute: start_time`). */
export function checkNumberValue(v: MlflowRawValue, what: string): Checked<number> {
	if (v.kind === 'number') return { ok: true, value: v.value };
	return { ok: false, error: `Expected numeric value type for ${what}. Found ${v.text}` };
}

/** A non-empty parenthesized list of quoted strings, as `_parse_list_from_sql_token` accepts. */
export function checkStringList(v: MlflowRawValue): Checked<string[]> {
	if (v.kind !== 'list') return { ok: false, error: `Expected a parenthesized list of quoted strings. Got value ${v.text}` };
	if (v.items.length === 0) {
		return { ok: false, error: 'While parsing a list in the query, expected a non-empty list of string values, but got empty list' };
	}
	const out: string[] = [];
	for (const item of v.items) {
		if (item.kind === 'string' || (item.kind === 'ident' && item.quoted)) out.push(item.value);
		else {
			return {
				ok: false,
				error: `While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${v.text}`
			};
		}
	}
	return { ok: true, value: out };
}

/** The pairing rule: IN / NOT IN take a list, every other comparator takes a single value. */
export function checkListPairing(comparator: string, v: MlflowRawValue): Checked<null> {
	const isList = comparator === 'IN' || comparator === 'NOT IN';
	if (isList && v.kind !== 'list') {
		return { ok: false, error: `Invalid comparison clause: ${comparator} expects a list of quoted strings, e.g. ('a', 'b'). Got value ${v.text}` };
	}
	if (!isList && v.kind === 'list') {
		return { ok: false, error: `Invalid comparator '${comparator}' for a list of values; use IN or NOT IN` };
	}
	return { ok: true, value: null };
}

/** A test of a present number against `value`, IEEE semantics (NaN matches only `!=`). */
export function createNumberTest(comparator: NumberComparator, value: number): (x: number) => boolean {
	switch (comparator) {
		case '=':
			return (x) => x === value;
		case '!=':
			return (x) => x !== value;
		case '<':
			return (x) => x < value;
		case '<=':
			return (x) => x <= value;
		case '>':
			return (x) => x > value;
		case '>=':
			return (x) => x >= value;
	}
}

/** A test of a present string; LIKE is case-sensitive, ILIKE not; `%` and `_` are the only wildcards. */
export function createStringTest(comparator: StringComparator | ListComparator, value: string | string[]): (x: string) => boolean {
	if (comparator === 'IN' || comparator === 'NOT IN') {
		const set = new Set(Array.isArray(value) ? value : [value]);
		return comparator === 'IN' ? (x) => set.has(x) : (x) => !set.has(x);
	}
	const v = Array.isArray(value) ? value.join() : value;
	switch (comparator) {
		case '=':
			return (x) => x === v;
		case '!=':
			return (x) => x !== v;
		case 'LIKE':
		case 'ILIKE': {
			return createLikeMatcher(v, comparator === 'ILIKE');
		}
	}
}
