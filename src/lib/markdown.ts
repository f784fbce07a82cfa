import MarkdownIt from 'markdown-it';

/**
 * Light Markdown for comments, rendered by markdown-it: **bold**, *italic*
 * (or _italic_), lists (`- `, `* `, `1. `), [links](https://…) and bare web
 * addresses, paragraphs and line breaks; plus highlighting of @mentions.
 *
 * Safety contract: markdown-it runs with HTML off, so everything typed as
 * HTML is shown as text (escaped). Only these rules are on: paragraphs,
 * lists, emphasis, links, autolinks, linkify, line breaks, escapes and
 * entities — so the output holds only p, br, ul, ol, li, strong, em,
 * span.kring-mention and a[href][rel]. A link's address must use http:,
 * https: or mailto: (checked after markdown-it decoded and normalised it,
 * so no entity or control character can smuggle in another scheme); any
 * other link stays visible as the text that was typed.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

export interface RenderOptions {
	/** names of the users the comment mentions; `@Name` of these is highlighted */
	mentions?: readonly string[];
}

/** the link allow-list: a scheme, then anything without whitespace or control characters */
const SAFE_URL = /^(?:https?:\/\/|mailto:)[^\s\u0000-\u001f\u007f]+$/i;
const LINK_REL = 'noopener noreferrer nofollow';

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true, typographer: false });
md.enable(['paragraph', 'list', 'emphasis', 'link', 'autolink', 'linkify', 'newline', 'escape', 'entity']);
md.linkify.set({ fuzzyLink: false, fuzzyIP: false });
md.validateLink = (url: string) => url.length <= 2000 && SAFE_URL.test(url);

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
	const token = tokens[idx];
	// one fixed shape: href and rel, nothing else (no title, no target)
	const href = token.attrGet('href') ?? '';
	token.attrs = [
		['href', href],
		['rel', LINK_REL]
	];
	return self.renderToken(tokens, idx, options);
};

interface Env {
	mentions: RegExp[];
}

md.renderer.rules.text = (tokens, idx, _options, env) => {
	let html = escapeHtml(tokens[idx].content);
	for (const pattern of (env as Partial<Env> | undefined)?.mentions ?? []) {
		html = html.replace(pattern, (found) => `<span class="kring-mention">${found}</span>`);
	}
	return html;
};

function regexEscape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Renders a comment's text as safe HTML (see the contract above). */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
	// no control characters except line breaks and tabs
	const clean = source.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
	const names = [...new Set(options.mentions ?? [])].filter((n) => n.trim()).sort((a, b) => b.length - a.length);
	// matched against escaped text, so a name with markup is escaped the same way
	const mentions = names.map((name) => new RegExp(`@${regexEscape(escapeHtml(name))}(?![\\p{L}\\p{N}])`, 'gu'));
	// text never holds a raw line break (breaks are their own tokens): the rest is layout between tags
	return md.render(clean, { mentions } satisfies Env).replace(/\n/g, '');
}

/** Plain, short text of a comment for lists and the inbox (escaped by whoever shows it). */
export function excerpt(source: string, max = 140): string {
	const flat = source
		.replace(/\[([^[\]\n]*)\]\((?:[^\s()]|\([^\s()]*\))*\)/g, '$1')
		.replace(/[*_]{1,2}/g, '')
		.replace(/\s+/g, ' ')
		.trim();
	return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
