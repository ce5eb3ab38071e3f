// Unit tests of the safe Markdown renderer: the supported subset, and that no markup from the source survives.
import { describe, expect, it } from 'vitest';
import { escapeHtml, isSafeHref, renderInline, renderMarkdown } from './markdown';

describe('renderMarkdown escaping', () => {
	it('escapes raw HTML everywhere: paragraphs, headings, lists, quotes and code', () => {
		const html = renderMarkdown(
			['<script>alert(1)</script>', '# <img src=x onerror=alert(1)>', '- <b>x</b>', '> <iframe>', '```\n<style>\n```'].join('\n\n')
		);
		expect(html).not.toMatch(/<(script|img|b|iframe|style)\b/);
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).toContain('<h1>&lt;img src=x onerror=alert(1)&gt;</h1>');
		expect(html).toContain('<li>&lt;b&gt;x&lt;/b&gt;</li>');
		expect(html).toContain('<pre><code>&lt;style&gt;</code></pre>');
	});

	it('refuses javascript: and other schemes in links, and keeps quotes out of attributes', () => {
		expect(renderInline('[x](javascript:alert(1))')).not.toContain('href');
		expect(renderInline('[click](JavaScript:alert)')).toBe('click');
		expect(renderInline('[d](data:text/html,hi)')).toBe('d');
		const quoted = renderInline('[a](http://x/"onmouseover="alert)');
		expect(quoted).not.toContain('"onmouseover');
		expect(quoted).toContain('&quot;onmouseover=&quot;');
		expect(escapeHtml(`<a href='x'>&`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;');
	});

	it('ignores NUL characters in the source (used internally as placeholders)', () => {
		expect(renderInline('a\u00000\u0000b `c`')).toBe('a0b <code>c</code>');
	});
});

describe('isSafeHref', () => {
	it('allows http(s), mailto and relative URLs only', () => {
		for (const ok of ['https://mlflow.org', 'http://x', 'mailto:a@b.c', '/runs/abc', '#notes', 'docs/readme.md']) expect(isSafeHref(ok), ok).toBe(true);
		for (const bad of ['javascript:x', 'vbscript:x', 'data:x', 'file:///etc/passwd', '//evil.example']) expect(isSafeHref(bad), bad).toBe(false);
	});
});

describe('renderMarkdown subset', () => {
	it('renders headings, paragraphs, rules and quotes', () => {
		expect(renderMarkdown('## Results ##\n\nfirst line\nsecond line\n\n---\n\n> quoted *text*')).toBe(
			'<h2>Results</h2>\n<p>first line\nsecond line</p>\n<hr>\n<blockquote><p>quoted <em>text</em></p></blockquote>'
		);
	});

	it('renders bullet and numbered lists with continuation lines', () => {
		expect(renderMarkdown('- one\n  more\n* two\n\n3. three\n4. four')).toBe(
			'<ul><li>one\nmore</li><li>two</li></ul>\n<ol start="3"><li>three</li><li>four</li></ol>'
		);
	});

	it('renders fenced code verbatim with its language', () => {
		expect(renderMarkdown('```python\nx = a * b * c\n# not a heading\n```\nafter')).toBe(
			'<pre><code class="language-python">x = a * b * c\n# not a heading</code></pre>\n<p>after</p>'
		);
	});

	it('renders strong, emphasis, strikethrough, code spans and links', () => {
		expect(renderInline('**bold** and *it* and _it2_ and ~~old~~')).toBe('<strong>bold</strong> and <em>it</em> and <em>it2</em> and <del>old</del>');
		expect(renderInline('`a *b* <c>` snake_case_name')).toBe('<code>a *b* &lt;c&gt;</code> snake_case_name');
		expect(renderInline('see [the **docs**](https://x.org/a_b_c?q=1&r=2)')).toBe(
			'see <a href="https://x.org/a_b_c?q=1&amp;r=2" target="_blank" rel="noopener noreferrer">the <strong>docs</strong></a>'
		);
		expect(renderInline('2 * 3 * 4')).toBe('2 * 3 * 4');
	});

	it('turns two trailing spaces into a line break', () => {
		expect(renderMarkdown('a  \nb')).toBe('<p>a<br>\nb</p>');
	});

	it('renders nothing for an empty source', () => {
		expect(renderMarkdown('')).toBe('');
		expect(renderMarkdown('\n\n  \n')).toBe('');
	});
});
