// SQL LIKE as a compiled matcher that never backtracks exponentially: `%` any run of characters, `_` exactly one,
// everything else literal. A RegExp of `.*` runs takes ~n^k steps on a k-`%` pattern (`%a%a%a%a%a%a%b` over 100
// characters froze the server for 30 s); this is the greedy wildcard walk with one resume point, O(n·m) at worst,
// with m bounded by MAX_LIKE_PATTERN_LENGTH.
import { invalid } from '../errors';

/** Longest LIKE / ILIKE pattern accepted, in UTF-16 units (MLflow's values are at most 8,000 characters). */
export const MAX_LIKE_PATTERN_LENGTH = 1000;

/**
 * Code points, so `_` matches one character as MLflow's SQL stores do (not one UTF-16 unit); a string without
 * surrogates is its own code points (read by index, no array made: a search tests 10,000 values).
 */
const split = (s: string): ArrayLike<string> => (/[\uD800-\uDFFF]/.test(s) ? Array.from(s) : s);

/**
 * Compiles `pattern` into a test of whole strings; ILIKE (`caseInsensitive`) compares lowercased text. A pattern
 * without wildcards is a plain comparison. INVALID_PARAMETER_VALUE past MAX_LIKE_PATTERN_LENGTH.
 */
export function createLikeMatcher(pattern: string, caseInsensitive: boolean): (text: string) => boolean {
	if (pattern.length > MAX_LIKE_PATTERN_LENGTH) {
		throw invalid(`The LIKE pattern is ${pattern.length} characters long; the limit is ${MAX_LIKE_PATTERN_LENGTH}`);
	}
	const fold = caseInsensitive ? (s: string) => s.toLowerCase() : (s: string) => s;
	const p = Array.from(split(fold(pattern)));
	if (!p.includes('%') && !p.includes('_')) {
		const literal = p.join('');
		return (text) => fold(text) === literal;
	}
	return (text) => matchLike(p, split(fold(text)));
}

/** Greedy match of pattern chars `p` against text chars `t`, resuming from the last `%` on a mismatch. */
function matchLike(p: readonly string[], t: ArrayLike<string>): boolean {
	let i = 0; // text position
	let j = 0; // pattern position
	let star = -1; // pattern position just after the last `%`
	let resume = 0; // text position that `%` was last extended to
	while (i < t.length) {
		if (j < p.length && p[j] === '%') {
			star = ++j;
			resume = i;
		} else if (j < p.length && (p[j] === '_' || p[j] === t[i])) {
			i++;
			j++;
		} else if (star !== -1) {
			j = star;
			i = ++resume;
		} else return false;
	}
	while (j < p.length && p[j] === '%') j++;
	return j === p.length;
}
