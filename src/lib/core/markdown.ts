// Markdown to HTML for run notes, descriptions and .md artifacts (model cards), through markdown-it: CommonMark plus
// GFM tables, strikethrough and bare URLs as links, nested lists and fenced code. Chosen over `marked` + a sanitizer
// because it is safe by default without one: with `html: false` every raw HTML tag in the source is escaped as text,
// attribute values are always escaped, and link and image targets pass `isSafeHref` (http(s), mailto, relative) or
// are not links at all. Nothing it emits runs (the CSP admits only nonced scripts) or carries a style attribute:
// table alignment becomes a class, so a source cannot restyle the page.
import MarkdownIt, { type MarkdownIt as Renderer } from 'markdown-it';

/**
 * A link target allowed in rendered Markdown: http(s), mailto, or a relative URL (no other scheme). Control
 * characters and white space are dropped first, as browsers do when they read a URL (`java\tscript:`).
 */
export function isSafeHref(url: string): boolean {
	const bare = url.replace(/[\u0000-\u0020\u007f]/g, '');
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(bare);
	return scheme === null ? !bare.startsWith('//') && !bare.startsWith('\\') : ['http', 'https', 'mailto'].includes(scheme[1].toLowerCase());
}

function createRenderer(): Renderer {
	const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
	md.validateLink = isSafeHref;
	// External links open in a new tab without handing it this page (window.opener).
	md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
		tokens[idx].attrSet('target', '_blank');
		tokens[idx].attrSet('rel', 'noopener noreferrer');
		return self.renderToken(tokens, idx, options);
	};
	// markdown-it aligns table cells with `style="text-align:…"`: a class instead (no style attribute from a source).
	for (const rule of ['th_open', 'td_open'] as const) {
		md.renderer.rules[rule] = (tokens, idx, options, _env, self) => {
			const token = tokens[idx];
			const align = /^text-align:(left|center|right)$/.exec(String(token.attrGet('style') ?? ''))?.[1];
			if (token.attrGet('style') !== null) token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
			if (align) token.attrJoin('class', `align-${align}`);
			return self.renderToken(tokens, idx, options);
		};
	}
	return md;
}

let renderer: Renderer | null = null;

/** Renders Markdown `src` to an HTML string that holds no markup from `src` itself. */
export function renderMarkdown(src: string): string {
	renderer ??= createRenderer();
	return renderer.render(src);
}
