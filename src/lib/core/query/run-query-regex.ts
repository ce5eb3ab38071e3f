// The `~` / `!~` patterns of the run query language, compiled by RE2 (re2js): matching is linear in the text, so
// `^(a+)+$` cannot backtrack. Patterns are bounded in length and in the size they expand to (`a{1000}` is a
// thousand states), since the matcher's cost per character grows with that size.
import { RE2JS } from 're2js';

/** Longest pattern accepted, in UTF-16 units. */
export const MAX_REGEX_LENGTH = 1000;
/** Most states a pattern may expand to (repetition counts multiplied out), as estimated by estimateRegexSize. */
export const MAX_REGEX_SIZE = 1000;

export type RegexTest = (text: string) => boolean;
export type RegexResult = { ok: true; test: RegexTest } | { ok: false; error: string };

/** `{n}`, `{n,}` or `{n,m}` at `i`: the largest count it allows (an open `{n,}` as n + 1) and its length; else null. */
function readRepeat(p: string, i: number): { count: number; length: number } | null {
	const m = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(p.slice(i, i + 16));
	if (!m) return null;
	const min = Number(m[1]);
	const max = m[2] === undefined ? min : m[3] === '' ? min + 1 : Number(m[3]);
	return { count: Math.max(min, max, 1), length: m[0].length };
}

/** The index just past the character class opening at `i` (`[`), or p.length when it never closes. */
function skipClass(p: string, i: number): number {
	let j = i + 1;
	if (p[j] === '^') j++;
	if (p[j] === ']') j++;
	while (j < p.length && p[j] !== ']') {
		if (p[j] === '\\') j += 2;
		else if (p.startsWith('[:', j)) j = Math.max(p.indexOf(':]', j + 2) + 2, j + 1);
		else j++;
	}
	return j + 1;
}

/** The index just past the escape at `i` (`\`): `\p{Greek}`, `\x{10FFFF}` and `\Q…\E` whole, else two characters. */
function skipEscape(p: string, i: number): number {
	const c = p[i + 1];
	if ((c === 'p' || c === 'P' || c === 'x') && p[i + 2] === '{') {
		const end = p.indexOf('}', i + 3);
		return end === -1 ? p.length : end + 1;
	}
	if (c === 'x') return i + 4;
	return i + 2;
}

/**
 * About how many states `pattern` compiles to, in one pass: each atom (character, class, escape) counts one, a
 * group the sum of its parts, and a counted repetition multiplies what it repeats. An over-estimate is fine: it
 * only decides whether a pattern is refused.
 */
export function estimateRegexSize(pattern: string): number {
	const groups: { total: number }[] = [{ total: 0 }];
	let last = 0; // size of the atom a repetition would apply to
	let i = 0;
	while (i < pattern.length) {
		const c = pattern[i];
		const top = groups[groups.length - 1];
		if (c === '(') {
			groups.push({ total: 0 });
			last = 0;
			i++;
			continue;
		}
		if (c === ')' && groups.length > 1) {
			const inner = groups.pop()!;
			last = Math.max(inner.total, 1);
			groups[groups.length - 1].total += last;
			i++;
			continue;
		}
		const repeat = c === '{' ? readRepeat(pattern, i) : null;
		if (repeat) {
			top.total += last * (repeat.count - 1) + 1;
			last *= repeat.count;
			i += repeat.length;
			continue;
		}
		if (c === '*' || c === '+' || c === '?' || c === '|') {
			top.total++;
			i++;
			continue;
		}
		const next = c === '[' ? skipClass(pattern, i) : c === '\\' ? skipEscape(pattern, i) : i + 1;
		last = 1;
		top.total++;
		i = next;
	}
	return groups.reduce((n, g) => n + g.total, 0);
}

/**
 * Compiles a `~` pattern (RE2 syntax: no backreferences nor lookarounds) into a test that finds it anywhere in a
 * text, as RegExp.test does. `caseInsensitive` is the `(?i)` prefix the query parser strips. Errors name what is wrong.
 */
export function compileRunQueryRegex(pattern: string, caseInsensitive: boolean): RegexResult {
	if (pattern.length > MAX_REGEX_LENGTH) {
		return { ok: false, error: `the pattern is ${pattern.length} characters long; the limit is ${MAX_REGEX_LENGTH}` };
	}
	const size = estimateRegexSize(pattern);
	if (size > MAX_REGEX_SIZE) {
		return { ok: false, error: `the pattern expands to about ${size} states (repetitions multiplied out); the limit is ${MAX_REGEX_SIZE}` };
	}
	try {
		const re = RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
		return { ok: true, test: (text) => re.test(text) };
	} catch (e) {
		return { ok: false, error: (e as Error).message.replace(/^error parsing regexp: /, '') };
	}
}
