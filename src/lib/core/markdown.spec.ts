// Unit tests of the Markdown renderer: what model cards and notes need (GFM tables, nested lists, code), and that
// no markup, script URL or inline style from the source survives.
import { describe, expect, it } from 'vitest';
import { isSafeHref, renderMarkdown } from './markdown';

describe('renderMarkdown escaping', () => {
	it('escapes raw HTML everywhere: paragraphs, headings, lists, quotes, tables and code', () => {
		const html = renderMarkdown(
			[
				'<script>alert(1)</script>',
				'# <img src=x onerror=alert(1)>',
				'- <b>x</b>',
				'> <iframe src="javascript:alert(1)">',
				'| a |\n| - |\n| <svg onload=alert(1)> |',
				'```\n<style>\n```',
				'<div onclick="x()">block</div>'
			].join('\n\n')
		);
		expect(html).not.toMatch(/<(script|img|b|iframe|style|svg|div)\b/);
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).toContain('<h1>&lt;img src=x onerror=alert(1)&gt;</h1>');
		expect(html).toContain('<li>&lt;b&gt;x&lt;/b&gt;</li>');
		expect(html).toContain('<td>&lt;svg onload=alert(1)&gt;</td>');
		expect(html).toContain('<pre><code>&lt;style&gt;\n</code></pre>');
	});

	it('makes no link of javascript:, data: or other schemes, and keeps quotes out of attributes', () => {
		for (const src of ['[x](javascript:alert(1))', '[click](JavaScript:alert)', '[d](data:text/html,hi)', '[t](java\tscript:alert(1))', '<javascript:alert(1)>']) {
			expect(renderMarkdown(src), src).not.toContain('href');
		}
		expect(renderMarkdown('![x](javascript:alert(1))')).not.toContain('<img');
		const quoted = renderMarkdown('[a](<http://x/"onmouseover="alert>)');
		expect(quoted).not.toMatch(/" ?onmouseover/);
	});

	it('links bare http(s) URLs (GFM autolinks), never a bare script URL', () => {
		expect(renderMarkdown('docs at https://mlflow.org/docs.')).toContain('<a href="https://mlflow.org/docs" target="_blank" rel="noopener noreferrer">https://mlflow.org/docs</a>.');
		expect(renderMarkdown('javascript:alert(1) and www.example.com')).not.toContain('javascript:alert(1)</a>');
	});

	it('opens links in a new tab without an opener', () => {
		expect(renderMarkdown('see [the **docs**](https://x.org/a_b_c?q=1&r=2)')).toBe(
			'<p>see <a href="https://x.org/a_b_c?q=1&amp;r=2" target="_blank" rel="noopener noreferrer">the <strong>docs</strong></a></p>\n'
		);
	});
});

describe('isSafeHref', () => {
	it('allows http(s), mailto and relative URLs only', () => {
		for (const ok of ['https://mlflow.org', 'http://x', 'mailto:a@b.c', '/runs/abc', '#notes', 'docs/readme.md']) expect(isSafeHref(ok), ok).toBe(true);
		for (const bad of ['javascript:x', ' javascript:x', 'java\nscript:x', 'vbscript:x', 'data:x', 'file:///etc/passwd', '//evil.example', '\\\\evil']) {
			expect(isSafeHref(bad), bad).toBe(false);
		}
	});
});

describe('renderMarkdown', () => {
	it('renders a GFM table, with alignment as classes (no inline style)', () => {
		const html = renderMarkdown('| metric | value |\n| :- | -: |\n| accuracy | 0.93 |\n| f1 | 0.91 |');
		expect(html).toContain('<table>');
		expect(html).toContain('<th class="align-left">metric</th>');
		expect(html).toContain('<td class="align-right">0.93</td>');
		expect(html).not.toContain('style=');
	});

	it('renders nested lists', () => {
		expect(renderMarkdown('- one\n  - one.a\n  - one.b\n- two\n\n3. three\n4. four')).toBe(
			'<ul>\n<li>one\n<ul>\n<li>one.a</li>\n<li>one.b</li>\n</ul>\n</li>\n<li>two</li>\n</ul>\n<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'
		);
	});

	it('renders fenced code verbatim with its language', () => {
		expect(renderMarkdown('```python\nx = a * b * c\n# not a heading\n```\nafter')).toBe(
			'<pre><code class="language-python">x = a * b * c\n# not a heading\n</code></pre>\n<p>after</p>\n'
		);
	});

	it('renders headings, emphasis, strikethrough, code spans and quotes', () => {
		expect(renderMarkdown('## Results\n\n**bold** *it* ~~old~~ `a *b* <c>` snake_case_name\n\n> quoted')).toBe(
			'<h2>Results</h2>\n<p><strong>bold</strong> <em>it</em> <s>old</s> <code>a *b* &lt;c&gt;</code> snake_case_name</p>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n'
		);
	});

	it('renders nothing for an empty source', () => {
		expect(renderMarkdown('')).toBe('');
		expect(renderMarkdown('\n\n  \n')).toBe('');
	});
});
