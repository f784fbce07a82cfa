import { describe, expect, it } from 'vitest';
import { excerpt, renderMarkdown } from './markdown.ts';

/**
 * The renderer's output may hold only these tags, exactly in these shapes;
 * everything else must have been escaped to text.
 */
const ALLOWED_TAG = /^<\/?(?:p|br|ul|ol|li|strong|em)>$|^<span class="kring-mention">$|^<\/span>$|^<\/a>$|^<a href="(?:https?:\/\/|mailto:)[^"<>\s]*" rel="noopener noreferrer nofollow">$/i;

function expectInert(html: string): void {
	const tags = html.match(/<[^>]*>?/g) ?? [];
	for (const tag of tags) expect(tag, `unexpected markup in ${html}`).toMatch(ALLOWED_TAG);
	// no raw angle brackets, quotes or attributes outside the allowed tags
	const outside = html.replace(/<[^>]*>/g, '');
	expect(outside).not.toMatch(/[<>"]/);
	for (const href of html.matchAll(/href="([^"]*)"/g)) {
		expect(href[1]).toMatch(/^(https?:\/\/|mailto:)/i);
		expect(href[1]).not.toMatch(/[\s\u0000-\u001f]/);
	}
}

const PAYLOADS = [
	'<script>alert(1)</script>',
	'<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
	'<scr<script>ipt>alert(1)</scr</script>ipt>',
	'<img src=x onerror=alert(1)>',
	'<img src="x" onerror="alert(1)">',
	'<IMG SRC="javascript:alert(1);">',
	'<svg onload=alert(1)>',
	'<svg><script>alert(1)</script></svg>',
	'<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
	'<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
	'<iframe src="javascript:alert(1)"></iframe>',
	'<iframe srcdoc="<script>alert(1)</script>"></iframe>',
	'<body onload=alert(1)>',
	'<div style="background:url(javascript:alert(1))">x</div>',
	'<a href="javascript:alert(1)">klik</a>',
	'<a href="https://ok.example" onclick="alert(1)">klik</a>',
	'<object data="javascript:alert(1)"></object>',
	'<embed src="javascript:alert(1)">',
	'<link rel=stylesheet href="https://evil.example/x.css">',
	'<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
	'<form action="javascript:alert(1)"><button>x</button></form>',
	'<input autofocus onfocus=alert(1)>',
	'<details open ontoggle=alert(1)>',
	'<video><source onerror="alert(1)"></video>',
	'<style>*{background:url("javascript:alert(1)")}</style>',
	'"><script>alert(1)</script>',
	"'><img src=x onerror=alert(1)>",
	'</p><script>alert(1)</script><p>',
	'<!--<script>alert(1)//-->',
	'<![CDATA[<script>alert(1)</script>]]>',
	'&lt;script&gt;alert(1)&lt;/script&gt;',
	'&#60;script&#62;alert(1)&#60;/script&#62;',
	'[klik](javascript:alert(1))',
	'[klik](JaVaScRiPt:alert(1))',
	'[klik](javascript&#58;alert(1))',
	'[klik](&#106;avascript:alert(1))',
	'[klik](\u0001javascript:alert(1))',
	'[klik]( javascript:alert(1))',
	'[klik](vbscript:msgbox(1))',
	'[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
	'[klik](//evil.example)',
	'[klik](https://ok.example" onmouseover="alert(1))',
	'[klik](https://ok.example"onmouseover="alert(1)")',
	"[klik](https://ok.example'onmouseover='alert(1))",
	'[<img src=x onerror=alert(1)>](https://ok.example)',
	'[klik](https://ok.example/<script>alert(1)</script>)',
	'[**klik**](javascript:alert(1))',
	'[a](https://x.example)[b](javascript:alert(1))',
	'[[klik](https://ok.example)](javascript:alert(1))',
	'![x](javascript:alert(1))',
	'https://ok.example/"><script>alert(1)</script>',
	'https://ok.example/<img src=x onerror=alert(1)>',
	'javascript:alert(1)',
	'**<script>alert(1)</script>**',
	'*<img src=x onerror=alert(1)>*',
	'- <script>alert(1)</script>\n- <b onmouseover=alert(1)>x</b>',
	'1. <svg/onload=alert(1)>',
	'@<script>alert(1)</script>',
	'<a href="&#x6A;avascript:alert(1)">x</a>',
	'<x onclick=alert(1)>klik</x>',
	'\u0001' + '0' + '\u0001<script>alert(1)</script>',
	'<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
	'<base href="javascript:alert(1)//">',
	'<template><script>alert(1)</script></template>',
	'<noscript><p title="</noscript><img src=x onerror=alert(1)>">'
];

describe('renderMarkdown: bad input stays inert', () => {
	it(`has at least 50 payloads (${PAYLOADS.length})`, () => {
		expect(PAYLOADS.length).toBeGreaterThanOrEqual(50);
	});

	for (const payload of PAYLOADS) {
		it(`renders inert: ${JSON.stringify(payload).slice(0, 70)}`, () => {
			const html = renderMarkdown(payload, { mentions: ['Joris van Dam', '<script>'] });
			expectInert(html);
			expect(html).not.toMatch(/<(script|img|svg|iframe|style|object|embed|form|input|base|meta|link)/i);
			expect(html).not.toMatch(/href="\s*(javascript|vbscript|data):/i);
		});
	}

	it('shows an HTML payload as the text that was typed', () => {
		expect(renderMarkdown('<b>vet</b>')).toBe('<p>&lt;b&gt;vet&lt;/b&gt;</p>');
	});

	it('leaves a javascript: link as visible text', () => {
		expect(renderMarkdown('[klik](javascript:alert(1))')).toBe('<p>[klik](javascript:alert(1))</p>');
	});

	it('keeps a quote in a URL inside its attribute', () => {
		const html = renderMarkdown('[klik](https://ok.example/"onmouseover="alert(1))');
		expect(html).not.toContain('" onmouseover');
		expectInert(html);
	});
});

describe('renderMarkdown: light Markdown', () => {
	it('renders bold and italics', () => {
		expect(renderMarkdown('Dit is **vet** en *schuin* en _ook schuin_.')).toBe(
			'<p>Dit is <strong>vet</strong> en <em>schuin</em> en <em>ook schuin</em>.</p>'
		);
	});

	it('does not turn a lone asterisk or snake_case into italics', () => {
		expect(renderMarkdown('5 * 3 = 15 en file_name_x')).toBe('<p>5 * 3 = 15 en file_name_x</p>');
	});

	it('renders bullet and numbered lists', () => {
		expect(renderMarkdown('Punten:\n- een\n- twee\n\n1. eerst\n2. dan')).toBe(
			'<p>Punten:</p><ul><li>een</li><li>twee</li></ul><ol><li>eerst</li><li>dan</li></ol>'
		);
	});

	it('renders http, https and mailto links', () => {
		expect(renderMarkdown('[Veilig Thuis](https://veiligthuis.nl/a?b=1&c=2)')).toBe(
			'<p><a href="https://veiligthuis.nl/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">Veilig Thuis</a></p>'
		);
		expect(renderMarkdown('[mail](mailto:info@kring.example)')).toContain('href="mailto:info@kring.example"');
		expect(renderMarkdown('zie http://kring.example/x.')).toBe(
			'<p>zie <a href="http://kring.example/x" rel="noopener noreferrer nofollow">http://kring.example/x</a>.</p>'
		);
	});

	it('keeps paragraphs and line breaks', () => {
		expect(renderMarkdown('een\ntwee\n\ndrie')).toBe('<p>een<br>twee</p><p>drie</p>');
	});

	it('highlights mentions of known users only', () => {
		const html = renderMarkdown('@Joris van Dam en @Onbekende Persoon', { mentions: ['Joris van Dam'] });
		expect(html).toBe('<p><span class="kring-mention">@Joris van Dam</span> en @Onbekende Persoon</p>');
	});

	it('escapes a mentioned name that contains markup', () => {
		const html = renderMarkdown('hoi @<b>x</b>', { mentions: ['<b>x</b>'] });
		expect(html).toBe('<p>hoi <span class="kring-mention">@&lt;b&gt;x&lt;/b&gt;</span></p>');
	});
});

describe('excerpt', () => {
	it('flattens Markdown and shortens', () => {
		expect(excerpt('**Vet** en [link](https://x.example)')).toBe('Vet en link');
		expect(excerpt('a'.repeat(200), 10)).toBe('aaaaaaaaa…');
	});
});

describe('renderMarkdown: markdown-it cases the old renderer missed', () => {
	it('keeps a Wikipedia link with parentheses whole', () => {
		const html = renderMarkdown('Zie [Meldcode](https://nl.wikipedia.org/wiki/Meldcode_(Nederland)) voor meer.');
		expect(html).toBe(
			'<p>Zie <a href="https://nl.wikipedia.org/wiki/Meldcode_(Nederland)" rel="noopener noreferrer nofollow">Meldcode</a> voor meer.</p>'
		);
		expectInert(html);
	});

	it('keeps a bare Wikipedia address with parentheses whole', () => {
		const html = renderMarkdown('zie https://nl.wikipedia.org/wiki/Meldcode_(Nederland).');
		expect(html).toContain('href="https://nl.wikipedia.org/wiki/Meldcode_(Nederland)"');
		expect(html).toMatch(/<\/a>\.<\/p>$/);
		expectInert(html);
	});

	it('renders italics inside bold', () => {
		expect(renderMarkdown('**vet met *schuin* erin**')).toBe('<p><strong>vet met <em>schuin</em> erin</strong></p>');
	});

	it('renders bold inside italics and inside a link', () => {
		expect(renderMarkdown('*schuin met **vet** erin*')).toBe('<p><em>schuin met <strong>vet</strong> erin</em></p>');
		expect(renderMarkdown('[**vet**](https://x.example)')).toBe(
			'<p><a href="https://x.example" rel="noopener noreferrer nofollow"><strong>vet</strong></a></p>'
		);
	});

	it('drops a link title and keeps the fixed link shape', () => {
		const html = renderMarkdown('[klik](https://x.example "titel")');
		expect(html).toBe('<p><a href="https://x.example" rel="noopener noreferrer nofollow">klik</a></p>');
	});

	it('leaves headings, quotes, code and images as text', () => {
		for (const source of ['# kop', '> citaat', '    code', '```\ncode\n```', '![x](https://x.example/a.png)', '---', '`code`']) {
			const html = renderMarkdown(source);
			expectInert(html);
			expect(html).not.toMatch(/<(h\d|blockquote|pre|code|img|hr)/);
		}
	});

	it('does not link a bare domain without a scheme', () => {
		expect(renderMarkdown('kring.example')).toBe('<p>kring.example</p>');
	});
});
