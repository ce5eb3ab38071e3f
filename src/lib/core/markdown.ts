// A small, safe Markdown renderer for run notes and .md artifacts: the text is HTML-escaped first, then a
// subset (headings, paragraphs, lists, quotes, code, rules, emphasis, links) becomes markup. Raw HTML never passes.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` with the five HTML-significant characters escaped: safe in element content and quoted attributes. */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A link target allowed in rendered Markdown: http(s), mailto, or a relative URL (no other scheme). */
export function isSafeHref(url: string): boolean {
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
	return scheme === null ? !url.startsWith('//') : ['http', 'https', 'mailto'].includes(scheme[1].toLowerCase());
}

const MARK = '\u0000';

/** Inline markup of one block's text: code spans, links, strong, emphasis, strikethrough, hard breaks. */
export function renderInline(raw: string): string {
	const stash: string[] = [];
	const keep = (html: string) => `${MARK}${stash.push(html) - 1}${MARK}`;
	let s = raw.replaceAll(MARK, '');
	s = s.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_, _ticks, code: string) => keep(`<code>${escapeHtml(code.trim())}</code>`));
	s = escapeHtml(s);
	s = s.replace(/\[([^\]]*)\]\(([^()\s]*)\)/g, (all, text: string, href: string) => {
		const label = renderEmphasis(text) || href;
		return isSafeHref(href) ? keep(`<a href="${href}" target="_blank" rel="noopener noreferrer">${label}</a>`) : label;
	});
	s = renderEmphasis(s).replace(/( {2,}|\\)\n/g, '<br>\n');
	// Link labels may hold code spans: restore until no marks are left.
	const mark = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');
	while (s.includes(MARK)) s = s.replace(mark, (_, i: string) => stash[Number(i)]);
	return s;
}

function renderEmphasis(s: string): string {
	return s
		.replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
		.replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
		.replace(/\*(?=\S)([\s\S]*?\S)\*/g, '<em>$1</em>')
		.replace(/(^|[^\w])_(?=\S)([\s\S]*?\S)_(?!\w)/g, '$1<em>$2</em>')
		.replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>');
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])\s+(.*)$/;

/** Renders Markdown `src` to an HTML string that holds no markup from `src` itself. */
export function renderMarkdown(src: string): string {
	const lines = src.replace(/\r\n?/g, '\n').split('\n');
	const out: string[] = [];
	let i = 0;
	const isBlockStart = (line: string) => FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);
	while (i < lines.length) {
		const line = lines[i];
		if (line.trim() === '') {
			i++;
			continue;
		}
		const fence = FENCE.exec(line);
		if (fence) {
			const close = new RegExp(`^ {0,3}${fence[1][0]}{${fence[1].length},}\\s*$`);
			const body: string[] = [];
			for (i++; i < lines.length && !close.test(lines[i]); i++) body.push(lines[i]);
			i++;
			const lang = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : '';
			out.push(`<pre><code${lang}>${escapeHtml(body.join('\n'))}</code></pre>`);
			continue;
		}
		const heading = HEADING.exec(line);
		if (heading) {
			const level = heading[1].length;
			out.push(`<h${level}>${renderInline(heading[2] ?? '')}</h${level}>`);
			i++;
			continue;
		}
		if (RULE.test(line)) {
			out.push('<hr>');
			i++;
			continue;
		}
		if (QUOTE.test(line)) {
			const body: string[] = [];
			for (let m; i < lines.length && (m = QUOTE.exec(lines[i])); i++) body.push(m[1]);
			out.push(`<blockquote>${renderMarkdown(body.join('\n'))}</blockquote>`);
			continue;
		}
		const item = ITEM.exec(line);
		if (item) {
			const ordered = /\d/.test(item[2]);
			const items: string[][] = [];
			for (; i < lines.length; i++) {
				const m = ITEM.exec(lines[i]);
				if (m && /\d/.test(m[2]) === ordered) items.push([m[3]]);
				else if (lines[i].trim() !== '' && !isBlockStart(lines[i])) items[items.length - 1].push(lines[i].trim());
				else break;
			}
			const start = ordered && parseInt(item[2], 10) !== 1 ? ` start="${parseInt(item[2], 10)}"` : '';
			const tag = ordered ? 'ol' : 'ul';
			out.push(`<${tag}${start}>${items.map((it) => `<li>${renderInline(it.join('\n'))}</li>`).join('')}</${tag}>`);
			continue;
		}
		const para: string[] = [];
		for (; i < lines.length && lines[i].trim() !== '' && (para.length === 0 || !isBlockStart(lines[i])); i++) para.push(lines[i]);
		out.push(`<p>${renderInline(para.join('\n').trim())}</p>`);
	}
	return out.join('\n');
}
