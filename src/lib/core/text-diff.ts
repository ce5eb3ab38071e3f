// Minimal edits between two versions of a text (one splice found from the common prefix and suffix), and how a
// caret index moves through a Yjs-style text delta, for binding a plain <textarea> to a shared Y.Text.

/** Replace `remove` UTF-16 units at `index` with `insert`. */
export interface TextSplice {
	index: number;
	remove: number;
	insert: string;
}

/** One op of a Y.Text change delta (Y.YTextEvent.delta): exactly one of the fields is set. */
export interface TextDeltaOp {
	retain?: number;
	delete?: number;
	insert?: string | object;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The single splice that turns `prev` into `next`, or null when they are equal. The common prefix and suffix
 * never overlap and never split a surrogate pair, so the splice inserts only whole characters.
 */
export function diffText(prev: string, next: string): TextSplice | null {
	if (prev === next) return null;
	const max = Math.min(prev.length, next.length);
	let start = 0;
	while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
	if (start > 0 && isHighSurrogate(prev.charCodeAt(start - 1))) start--;
	let end = 0;
	while (end < max - start && prev.charCodeAt(prev.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
	if (end > 0 && isLowSurrogate(prev.charCodeAt(prev.length - end))) end--;
	return { index: start, remove: prev.length - start - end, insert: next.slice(start, next.length - end) };
}

/** Applies a splice to `text` (the inverse check of diffText). */
export function applySplice(text: string, s: TextSplice): string {
	return text.slice(0, s.index) + s.insert + text.slice(s.index + s.remove);
}

/**
 * Where the caret at `index` lands after a change described by `delta` (another peer's edit): text inserted
 * before it pushes it right, text deleted before it pulls it left, a deletion around it moves it to the deletion's
 * start. An insertion exactly at the caret leaves it in front of the new text.
 */
export function transformIndex(index: number, delta: readonly TextDeltaOp[]): number {
	let pos = 0; // position in the old text
	let shift = 0;
	for (const op of delta) {
		if (pos > index) break;
		if (op.retain !== undefined) pos += op.retain;
		else if (op.delete !== undefined) {
			if (pos >= index) break;
			shift -= Math.min(op.delete, index - pos);
			pos += op.delete;
		} else if (op.insert !== undefined) {
			if (pos >= index) break;
			shift += typeof op.insert === 'string' ? op.insert.length : 1;
		}
	}
	return index + shift;
}
