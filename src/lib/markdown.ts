/**
 * Light Markdown for comments: **bold**, *italic* (or _italic_), lists
 * (`- `, `* `, `1. `), [links](https://…) and bare http(s) links, paragraphs
 * and line breaks; plus highlighting of @mentions.
 *
 * Safety contract: the input is HTML-escaped FIRST, as a whole, so nothing
 * the user typed can become markup. Only this module then adds markup, and
 * only these tags: p, br, ul, ol, li, strong, em, span.kring-mention and
 * a[href][rel]. A link's URL must start with http://, https:// or mailto:
 * (checked on the escaped text, so no entity or control character can
 * smuggle in another scheme) and cannot contain a quote (escaped), so it
 * can never leave its attribute. Anything else stays visible as plain text.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

export interface RenderOptions {
	/** names of the users the comment mentions; `@Name` of these is highlighted */
	mentions?: readonly string[];
}

/** Marks a placeholder; control characters are stripped from the input, so users cannot type one. */
const SLOT = '\u0001';
const SLOT_RE = /\u0001(\d+)\u0001/g;

const SAFE_URL = /^(?:https?:\/\/[^\s]+|mailto:[^\s@]+@[^\s]+)$/i;
/** a link: [text](url); the text has no brackets, the url no whitespace or parentheses */
const LINK = /\[([^[\]\n]{1,500})\]\(([^\s()]{1,2000})\)/g;
/** a bare web address, stopping before an escaped <, >, " or ' */
const BARE_URL = /\bhttps?:\/\/(?:(?!&(?:lt|gt|quot|#39);)[^\s\u0001])+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

function regexEscape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function link(url: string, text: string): string {
	return `<a href="${url}" rel="noopener noreferrer nofollow">${text}</a>`;
}

function emphasis(html: string): string {
	return html
		.replace(/\*\*(?=\S)([^*]*?\S)\*\*/g, '<strong>$1</strong>')
		.replace(/__(?=\S)([^_]*?\S)__/g, '<strong>$1</strong>')
		.replace(/(^|[^*\p{L}\p{N}])\*(?=\S)([^*]*?\S)\*(?![*\p{L}\p{N}])/gu, '$1<em>$2</em>')
		.replace(/(^|[^_\p{L}\p{N}])_(?=\S)([^_]*?\S)_(?![_\p{L}\p{N}])/gu, '$1<em>$2</em>');
}

/** One line of escaped text → inline HTML. */
function inline(escaped: string, mentionPatterns: RegExp[]): string {
	const slots: string[] = [];
	const hold = (html: string) => `${SLOT}${slots.push(html) - 1}${SLOT}`;
	let text = escaped.replace(LINK, (whole, label: string, url: string) =>
		SAFE_URL.test(url) ? hold(link(url, emphasis(label))) : whole
	);
	text = text.replace(BARE_URL, (found: string) => {
		const trail = found.match(TRAILING_PUNCTUATION)?.[0] ?? '';
		const url = trail ? found.slice(0, -trail.length) : found;
		if (!SAFE_URL.test(url) || url.length > 2000) return found;
		return hold(link(url, url)) + trail;
	});
	for (const pattern of mentionPatterns) {
		text = text.replace(pattern, (found: string) => hold(`<span class="kring-mention">${found}</span>`));
	}
	text = emphasis(text);
	// slots can hold slots (a link's label): restore until none is left
	for (let i = 0; i < 3 && text.includes(SLOT); i++) text = text.replace(SLOT_RE, (_, n: string) => slots[Number(n)] ?? '');
	return text;
}

const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/;

/** Renders a comment's text as safe HTML (see the contract above). */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
	// no control characters except line breaks and tabs: they could fake a placeholder
	const clean = source.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
	const escaped = escapeHtml(clean);
	const names = [...new Set(options.mentions ?? [])].filter((n) => n.trim()).sort((a, b) => b.length - a.length);
	const mentionPatterns = names.map((name) => new RegExp(`@${regexEscape(escapeHtml(name))}(?![\\p{L}\\p{N}])`, 'gu'));

	const out: string[] = [];
	for (const block of escaped.split(/\n[ \t]*\n/)) {
		const lines = block.split('\n');
		let paragraph: string[] = [];
		let list: { tag: 'ul' | 'ol'; items: string[] } | null = null;
		const flushParagraph = () => {
			if (paragraph.length) out.push(`<p>${paragraph.map((l) => inline(l, mentionPatterns)).join('<br>')}</p>`);
			paragraph = [];
		};
		const flushList = () => {
			if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${inline(i, mentionPatterns)}</li>`).join('')}</${list.tag}>`);
			list = null;
		};
		for (const line of lines) {
			const bullet = line.match(BULLET);
			const numbered = bullet ? null : line.match(NUMBERED);
			const tag = bullet ? 'ul' : numbered ? 'ol' : null;
			if (tag) {
				flushParagraph();
				if (list && list.tag !== tag) flushList();
				list ??= { tag, items: [] };
				list.items.push((bullet ?? numbered)![1]);
			} else if (line.trim() === '') {
				continue;
			} else {
				flushList();
				paragraph.push(line.trim());
			}
		}
		flushParagraph();
		flushList();
	}
	return out.join('');
}

/** Plain, short text of a comment for lists and the inbox (escaped by whoever shows it). */
export function excerpt(source: string, max = 140): string {
	const flat = source
		.replace(/\[([^[\]\n]*)\]\([^\s()]*\)/g, '$1')
		.replace(/[*_]{1,2}/g, '')
		.replace(/\s+/g, ' ')
		.trim();
	return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
