import {
	AlignmentType,
	Document,
	ExternalHyperlink,
	Footer,
	HeadingLevel,
	LevelFormat,
	Packer,
	PageBreak,
	PageNumber,
	Paragraph,
	ShadingType,
	Table,
	TableCell,
	TableOfContents,
	TableRow,
	TextRun,
	WidthType,
	type ParagraphChild
} from 'docx';
import { COLUMN_STYLES, formatDay, formatEuro, formatPlanning, themeHeading, type ExportWords } from './export-format.ts';
import type { DocumentAction, DocumentTheme, PlanDocument, RichField } from './plan-document.ts';
import { isEmptyRich, safeHref, type RichNode } from './rich-doc.ts';

/**
 * A plan as a Word document, in the shape of the region's own: a cover, a
 * table of contents, chapters as Heading 1 and themes as Heading 2 (Word's
 * built-in styles, so the navigation pane and a gemeente's template work; in a
 * plan without named chapters the themes are Heading 1), each theme's
 * ambassadors and text, and its actions as cards (label–text tables, seed 000)
 * or regional and local side by side (seed 002), per PlanDocument.layout.
 */

const LANGUAGE = { value: 'nl-NL' } as const;
const BULLETS = 'kring-bullets';
const ORDERED = 'kring-ordered';
const MAX_DEPTH = 64;

const HEADINGS = [
	HeadingLevel.HEADING_1,
	HeadingLevel.HEADING_2,
	HeadingLevel.HEADING_3,
	HeadingLevel.HEADING_4,
	HeadingLevel.HEADING_5,
	HeadingLevel.HEADING_6
] as const;

function heading(level: number) {
	return HEADINGS[Math.min(6, Math.max(1, level)) - 1];
}

/** Every run carries the document's language, so a checker or screen reader reading any run knows it is Dutch. */
function run(text: string, options: { bold?: boolean; italics?: boolean; strike?: boolean; underline?: boolean; code?: boolean; link?: boolean; size?: number; color?: string } = {}) {
	return new TextRun({
		text,
		language: LANGUAGE,
		bold: options.bold,
		italics: options.italics,
		strike: options.strike,
		underline: options.underline ? {} : undefined,
		font: options.code ? 'Courier New' : undefined,
		style: options.link ? 'Hyperlink' : undefined,
		size: options.size,
		color: options.color
	});
}

function inline(nodes: RichNode[] | undefined, extra: { bold?: boolean } = {}): ParagraphChild[] {
	const out: ParagraphChild[] = [];
	for (const n of nodes ?? []) {
		if (n.type === 'hardBreak') {
			out.push(new TextRun({ break: 1, language: LANGUAGE }));
			continue;
		}
		if (n.type !== 'text' || !n.text) continue;
		const marks = new Set((n.marks ?? []).map((m) => m.type));
		const link = (n.marks ?? []).find((m) => m.type === 'link');
		const href = link ? safeHref(link.attrs?.href) : null;
		const textRun = run(n.text, {
			bold: extra.bold || marks.has('bold'),
			italics: marks.has('italic'),
			strike: marks.has('strike'),
			underline: marks.has('underline'),
			code: marks.has('code'),
			link: Boolean(href)
		});
		out.push(href ? new ExternalHyperlink({ link: href, children: [textRun] }) : textRun);
	}
	return out;
}

interface BlockContext {
	/** added to the text's own heading levels (a theme's text sits under its heading) */
	headingOffset: number;
	/** in a table cell the text's headings are bold paragraphs: Word's navigation lists the plan's own headings only */
	inCell: boolean;
	/** a fresh list instance per ordered list, so each counts from 1 */
	nextList: () => number;
}

function blocks(node: RichNode, ctx: BlockContext, list: { level: number; ordered: boolean; instance: number } | null = null, depth = 0): Paragraph[] {
	if (depth > MAX_DEPTH) return [];
	const children = node.content ?? [];
	switch (node.type) {
		case 'doc':
		case 'blockquote':
			return children.flatMap((c) => blocks(c, ctx, list, depth + 1));
		case 'paragraph':
			return [
				new Paragraph({
					children: inline(node.content),
					...(list ? { numbering: { reference: list.ordered ? ORDERED : BULLETS, level: Math.min(list.level, 8), ...(list.ordered ? { instance: list.instance } : {}) } } : {})
				})
			];
		case 'heading': {
			const level = (Number(node.attrs?.level) || 1) + ctx.headingOffset;
			if (ctx.inCell || level > 6) return [new Paragraph({ children: inline(node.content, { bold: true }) })];
			return [new Paragraph({ heading: heading(level), children: inline(node.content) })];
		}
		case 'bulletList':
		case 'orderedList': {
			const ordered = node.type === 'orderedList';
			const next = { level: list ? list.level + 1 : 0, ordered, instance: ordered ? ctx.nextList() : 0 };
			return children.flatMap((item) => blocks(item, ctx, next, depth + 1));
		}
		case 'listItem':
			// the item's first paragraph carries the bullet; nested lists go one level deeper
			return children.flatMap((c) => blocks(c, ctx, list, depth + 1));
		case 'codeBlock':
			return [new Paragraph({ children: (node.content ?? []).map((t) => run(t.text ?? '', { code: true })) })];
		default:
			return children.flatMap((c) => blocks(c, ctx, list, depth + 1));
	}
}

function labelCell(text: string): TableCell {
	return new TableCell({
		width: { size: 28, type: WidthType.PERCENTAGE },
		shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'E8EEF4' },
		children: [new Paragraph({ children: [run(text, { bold: true })] })]
	});
}

function textCell(paragraphs: Paragraph[]): TableCell {
	return new TableCell({
		width: { size: 72, type: WidthType.PERCENTAGE },
		children: paragraphs.length ? paragraphs : [new Paragraph({ children: [] })]
	});
}

function plain(text: string, options: { bold?: boolean } = {}): Paragraph {
	return new Paragraph({ children: [run(text, options)] });
}

/** Planning, costs, funding, status, lead and gemeente: the card's structured fields, as label–value pairs. */
function facts(action: DocumentAction, words: ExportWords): [string, string][] {
	const rows: [string, string][] = [];
	const planning = formatPlanning(action.planningStart, action.planningEnd, words);
	if (planning) rows.push([words.planning, planning]);
	if (action.costAmount !== null) rows.push([words.cost, formatEuro(action.costAmount)]);
	const funding = [action.funding, action.fundingNote].filter(Boolean).join(' — ');
	if (funding) rows.push([words.funding, funding]);
	rows.push([words.status, words.statusLabel(action.status)]);
	if (action.lead) rows.push([words.lead, action.lead]);
	if (action.municipality) rows.push([words.municipalityLabel, action.municipality]);
	return rows;
}

function actionCard(action: DocumentAction, words: ExportWords, ctx: BlockContext): Table {
	const cellCtx = { ...ctx, inCell: true };
	const rows = [
		new TableRow({ cantSplit: true, children: [labelCell(words.action), textCell([plain(action.title, { bold: true })])] }),
		...action.fields
			.filter((f) => !isEmptyRich(f.rich))
			.map((f) => new TableRow({ children: [labelCell(f.label), textCell(blocks(f.rich, cellCtx))] })),
		...facts(action, words).map(([label, value]) => new TableRow({ cantSplit: true, children: [labelCell(label), textCell([plain(value)])] }))
	];
	return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows });
}

/** One action inside a column of the two-column table: its title, its fields with their labels, its facts. */
function actionInColumn(action: DocumentAction, words: ExportWords, ctx: BlockContext): Paragraph[] {
	const cellCtx = { ...ctx, inCell: true };
	const out: Paragraph[] = [new Paragraph({ style: 'KringActie', children: [run(action.title, { bold: true })] })];
	for (const field of action.fields) {
		if (isEmptyRich(field.rich)) continue;
		out.push(new Paragraph({ style: 'KringVeld', children: [run(field.label, { italics: true })] }));
		out.push(...blocks(field.rich, cellCtx));
	}
	for (const [label, value] of facts(action, words)) out.push(new Paragraph({ style: 'KringGegeven', children: [run(`${label}: `, { bold: true }), run(value)] }));
	return out;
}

function columnsTable(theme: DocumentTheme, words: ExportWords, ctx: BlockContext): Table {
	const column = (actions: DocumentAction[]) =>
		new TableCell({
			width: { size: 50, type: WidthType.PERCENTAGE },
			children: actions.length ? actions.flatMap((a) => actionInColumn(a, words, ctx)) : [plain(words.noActions)]
		});
	const head = (text: string) =>
		new TableCell({
			width: { size: 50, type: WidthType.PERCENTAGE },
			shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'E8EEF4' },
			children: [plain(text, { bold: true })]
		});
	return new Table({
		width: { size: 100, type: WidthType.PERCENTAGE },
		rows: [
			new TableRow({ tableHeader: true, children: [head(words.regionalActions), head(words.localActions)] }),
			new TableRow({ children: [column(theme.regional), column(theme.local)] })
		]
	});
}

function sectionText(field: RichField, level: number, showLabel: boolean, ctx: BlockContext): (Paragraph | Table)[] {
	if (isEmptyRich(field.rich)) return [];
	const out: Paragraph[] = [];
	if (showLabel) out.push(new Paragraph({ heading: heading(level), children: [run(field.label)] }));
	out.push(...blocks(field.rich, { ...ctx, headingOffset: showLabel ? level : level - 1 }));
	return out;
}

function themeBody(theme: DocumentTheme, level: number, doc: PlanDocument, words: ExportWords, ctx: BlockContext, bothLevels: boolean): (Paragraph | Table)[] {
	const out: (Paragraph | Table)[] = [new Paragraph({ heading: heading(level), children: [run(themeHeading(theme))] })];
	if (theme.ambassadors.length) {
		out.push(
			new Paragraph({
				children: [
					run(`${words.ambassadors}: `, { bold: true }),
					run(theme.ambassadors.map((a) => (a.place ? `${a.name} (${a.place})` : a.name)).join(', '))
				]
			})
		);
	}
	for (const section of theme.sections) out.push(...sectionText(section, level + 1, theme.sections.length > 1 || Boolean(section.label), ctx));
	if (doc.layout === 'columns') {
		if (theme.regional.length || theme.local.length) out.push(plain(''), columnsTable(theme, words, ctx));
		return out;
	}
	for (const [title, actions] of [
		[words.regionalActions, theme.regional],
		[words.localActions, theme.local]
	] as const) {
		if (!actions.length) continue;
		if (bothLevels) out.push(new Paragraph({ heading: heading(level + 1), children: [run(title)] }));
		for (const action of actions) out.push(plain(''), actionCard(action, words, ctx));
	}
	return out;
}

function cover(doc: PlanDocument, words: ExportWords): Paragraph[] {
	const lines: Paragraph[] = [
		new Paragraph({ spacing: { before: 2400 } }),
		new Paragraph({ heading: HeadingLevel.TITLE, children: [run(doc.title)] })
	];
	if (doc.subtitle) lines.push(new Paragraph({ spacing: { after: 240 }, children: [run(doc.subtitle, { size: 32 })] }));
	lines.push(plain(doc.municipalityName ? words.municipality(doc.municipalityName) : words.region(doc.regionName)));
	if (doc.municipalityName) lines.push(plain(words.region(doc.regionName)));
	lines.push(plain(words.period(doc.periodStart, doc.periodEnd)));
	if (doc.version) {
		lines.push(new Paragraph({ spacing: { before: 480 }, children: [run(words.versionLabel(doc.version.label), { bold: true })] }));
		lines.push(plain(words.adoptedOn(formatDay(doc.version.adoptedAt))));
	}
	lines.push(new Paragraph({ children: [new PageBreak()] }));
	return lines;
}

export async function renderPlanDocx(doc: PlanDocument, words: ExportWords): Promise<Buffer> {
	let lists = 0;
	const ctx: BlockContext = { headingOffset: 0, inCell: false, nextList: () => ++lists };
	const themes = doc.chapters.flatMap((c) => c.themes);
	const bothLevels = themes.some((t) => t.regional.length) && themes.some((t) => t.local.length);
	const body: (Paragraph | Table | TableOfContents)[] = [
		...cover(doc, words),
		new Paragraph({ spacing: { after: 240 }, children: [run(words.contents, { bold: true, size: 32 })] }),
		new TableOfContents(words.contents, { hyperlink: true, headingStyleRange: '1-2' }),
		new Paragraph({ children: [new PageBreak()] })
	];
	if (!isEmptyRich(doc.intro)) {
		body.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [run(words.intro)] }));
		body.push(...blocks(doc.intro, { ...ctx, headingOffset: 1 }));
	}
	for (const chapter of doc.chapters) {
		const named = Boolean(chapter.title.trim());
		if (named) body.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [run(chapter.title)] }));
		for (const theme of chapter.themes) body.push(...themeBody(theme, named ? 2 : 1, doc, words, ctx, bothLevels));
	}
	const levels = (format: (typeof LevelFormat)[keyof typeof LevelFormat], text: (i: number) => string) =>
		Array.from({ length: 9 }, (_, i) => ({
			level: i,
			format,
			text: text(i),
			alignment: AlignmentType.LEFT,
			style: { paragraph: { indent: { left: 360 * (i + 1), hanging: 360 } } }
		}));
	const document = new Document({
		title: doc.version ? `${doc.title} — ${doc.version.label}` : doc.title,
		subject: doc.subtitle ?? undefined,
		description: words.period(doc.periodStart, doc.periodEnd),
		keywords: doc.kind,
		creator: 'Kring',
		lastModifiedBy: 'Kring',
		styles: {
			default: { document: { run: { language: LANGUAGE, font: 'Calibri', size: 22 } } },
			// named styles for an action in a column, so the Word import reads the document back (COLUMN_STYLES)
			paragraphStyles: [
				// Word's heading styles with their outline levels: Word's navigation pane, LibreOffice (ODT, PDF bookmarks) and a table of contents read those
				...[32, 28, 24, 22, 22, 22].map((size, i) => ({
					id: `Heading${i + 1}`,
					name: `Heading ${i + 1}`,
					basedOn: 'Normal',
					next: 'Normal',
					quickFormat: true,
					run: { bold: i > 0, size, color: '1F3864' },
					paragraph: { outlineLevel: i, keepNext: true, spacing: { before: i === 0 ? 360 : 240, after: 120 } }
				})),
				{ id: 'KringActie', name: COLUMN_STYLES.action, basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { bold: true }, paragraph: { spacing: { before: 120 } } },
				{ id: 'KringVeld', name: COLUMN_STYLES.field, basedOn: 'Normal', next: 'Normal', run: { italics: true } },
				{ id: 'KringGegeven', name: COLUMN_STYLES.fact, basedOn: 'Normal', next: 'Normal' }
			]
		},
		numbering: {
			config: [
				{ reference: BULLETS, levels: levels(LevelFormat.BULLET, (i) => ['•', '◦', '▪'][i % 3]) },
				{ reference: ORDERED, levels: levels(LevelFormat.DECIMAL, (i) => `%${i + 1}.`) }
			]
		},
		sections: [
			{
				footers: {
					default: new Footer({
						children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ language: LANGUAGE, children: [`${words.page} `, PageNumber.CURRENT] })] })]
					})
				},
				children: body
			}
		]
	});
	return Packer.toBuffer(document);
}
