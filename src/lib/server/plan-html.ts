import { formatDay, formatEuro, formatPlanning, themeHeading, type ExportWords } from './export-format.ts';
import type { DocumentAction, DocumentTheme, PlanDocument } from './plan-document.ts';
import { escapeHtml as e, isEmptyRich, richToHtml } from './rich-doc.ts';

/**
 * A plan as one self-contained, semantic HTML page for print: the same
 * structure as the DOCX (cover, contents, chapters h1, themes h2 — themes h1
 * in a plan without named chapters — ambassadors, text, actions as cards or
 * two columns). Chromium prints it to a tagged PDF whose bookmarks come from
 * these headings; no scripts, no external resources, so it renders the same
 * without a network or a session.
 */

const CSS = `
@page { size: A4; margin: 22mm 18mm 20mm 18mm; }
html { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 10.5pt; line-height: 1.45; color: #1a1a1a; }
body { margin: 0; }
h1, h2, h3, h4, h5, h6 { line-height: 1.2; break-after: avoid; }
h1 { font-size: 20pt; margin: 0 0 10pt; }
h2 { font-size: 15pt; margin: 18pt 0 8pt; }
h3 { font-size: 12pt; margin: 14pt 0 6pt; }
h4, h5, h6 { font-size: 11pt; margin: 10pt 0 4pt; }
.cover { min-height: 230mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.cover .title { font-size: 30pt; margin: 0 0 12pt; }
.cover .subtitle { font-size: 16pt; margin: 0 0 24pt; }
.cover p { margin: 2pt 0; }
.cover .version { margin-top: 24pt; font-weight: bold; }
.contents { break-after: page; }
.contents .label { font-size: 16pt; font-weight: bold; margin: 0 0 10pt; }
.contents ol { list-style: none; padding: 0; }
.contents ol ol { padding-left: 14pt; }
.contents a { color: inherit; text-decoration: none; }
section.chapter { break-before: page; }
section.chapter:first-of-type { break-before: auto; }
table { border-collapse: collapse; width: 100%; margin: 8pt 0 12pt; }
th, td { border: 0.75pt solid #9aa5b1; padding: 4pt 6pt; vertical-align: top; text-align: left; }
th { background: #e8eef4; }
table.card th[scope="row"] { width: 28%; }
table.card tr { break-inside: avoid; }
table.columns td { width: 50%; }
.action-title { font-weight: bold; margin: 6pt 0 2pt; }
.field-label { font-style: italic; margin: 4pt 0 0; }
.ambassadors { margin: 0 0 8pt; }
p { margin: 0 0 6pt; }
ul, ol { margin: 0 0 6pt; padding-left: 18pt; }
a { color: #01689b; }
`;

function actionFacts(a: DocumentAction, words: ExportWords): [string, string][] {
	const rows: [string, string][] = [];
	const planning = formatPlanning(a.planningStart, a.planningEnd, words);
	if (planning) rows.push([words.planning, planning]);
	if (a.costAmount !== null) rows.push([words.cost, formatEuro(a.costAmount)]);
	const funding = [a.funding, a.fundingNote].filter(Boolean).join(' — ');
	if (funding) rows.push([words.funding, funding]);
	rows.push([words.status, words.statusLabel(a.status)]);
	if (a.lead) rows.push([words.lead, a.lead]);
	if (a.municipality) rows.push([words.municipalityLabel, a.municipality]);
	return rows;
}

function card(a: DocumentAction, words: ExportWords, level: number): string {
	const rows = [
		`<tr><th scope="row">${e(words.action)}</th><td><strong>${e(a.title)}</strong></td></tr>`,
		...a.fields.filter((f) => !isEmptyRich(f.rich)).map((f) => `<tr><th scope="row">${e(f.label)}</th><td>${richToHtml(f.rich, { headingOffset: level })}</td></tr>`),
		...actionFacts(a, words).map(([label, value]) => `<tr><th scope="row">${e(label)}</th><td>${e(value)}</td></tr>`)
	];
	return `<table class="card"><tbody>${rows.join('')}</tbody></table>`;
}

function inColumn(a: DocumentAction, words: ExportWords, level: number): string {
	const parts = [`<p class="action-title">${e(a.title)}</p>`];
	for (const f of a.fields) {
		if (isEmptyRich(f.rich)) continue;
		parts.push(`<p class="field-label">${e(f.label)}</p>${richToHtml(f.rich, { headingOffset: level })}`);
	}
	parts.push(...actionFacts(a, words).map(([label, value]) => `<p><strong>${e(label)}:</strong> ${e(value)}</p>`));
	return parts.join('');
}

function theme(t: DocumentTheme, level: number, doc: PlanDocument, words: ExportWords, bothLevels: boolean, id: string): string {
	const out = [`<section class="theme" aria-labelledby="${id}"><h${level} id="${id}">${e(themeHeading(t))}</h${level}>`];
	if (t.ambassadors.length)
		out.push(`<p class="ambassadors"><strong>${e(words.ambassadors)}:</strong> ${t.ambassadors.map((a) => e(a.place ? `${a.name} (${a.place})` : a.name)).join(', ')}</p>`);
	for (const s of t.sections) {
		if (isEmptyRich(s.rich)) continue;
		if (s.label) out.push(`<h${level + 1}>${e(s.label)}</h${level + 1}>${richToHtml(s.rich, { headingOffset: level + 1 })}`);
		else out.push(richToHtml(s.rich, { headingOffset: level }));
	}
	if (doc.layout === 'columns') {
		if (t.regional.length || t.local.length) {
			const cell = (actions: DocumentAction[]) => (actions.length ? actions.map((a) => inColumn(a, words, level + 1)).join('') : `<p>${e(words.noActions)}</p>`);
			out.push(
				`<table class="columns"><thead><tr><th scope="col">${e(words.regionalActions)}</th><th scope="col">${e(words.localActions)}</th></tr></thead>` +
					`<tbody><tr><td>${cell(t.regional)}</td><td>${cell(t.local)}</td></tr></tbody></table>`
			);
		}
	} else {
		for (const [title, actions] of [
			[words.regionalActions, t.regional],
			[words.localActions, t.local]
		] as const) {
			if (!actions.length) continue;
			if (bothLevels) out.push(`<h${level + 1}>${e(title)}</h${level + 1}>`);
			out.push(...actions.map((a) => card(a, words, level + 1)));
		}
	}
	out.push('</section>');
	return out.join('\n');
}

export function renderPlanHtml(doc: PlanDocument, words: ExportWords): string {
	const themes = doc.chapters.flatMap((c) => c.themes);
	const bothLevels = themes.some((t) => t.regional.length) && themes.some((t) => t.local.length);
	const title = doc.version ? `${doc.title} — ${doc.version.label}` : doc.title;
	const cover = [
		`<header class="cover"><p class="title">${e(doc.title)}</p>`,
		doc.subtitle ? `<p class="subtitle">${e(doc.subtitle)}</p>` : '',
		`<p>${e(doc.municipalityName ? words.municipality(doc.municipalityName) : words.region(doc.regionName))}</p>`,
		doc.municipalityName ? `<p>${e(words.region(doc.regionName))}</p>` : '',
		`<p>${e(words.period(doc.periodStart, doc.periodEnd))}</p>`,
		doc.version ? `<p class="version">${e(words.versionLabel(doc.version.label))}</p><p>${e(words.adoptedOn(formatDay(doc.version.adoptedAt)))}</p>` : '',
		'</header>'
	].join('');
	const toc: string[] = [];
	const body: string[] = [];
	if (!isEmptyRich(doc.intro)) {
		toc.push(`<li><a href="#inleiding">${e(words.intro)}</a></li>`);
		body.push(`<section class="chapter" aria-labelledby="inleiding"><h1 id="inleiding">${e(words.intro)}</h1>${richToHtml(doc.intro, { headingOffset: 1 })}</section>`);
	}
	doc.chapters.forEach((chapter, ci) => {
		const named = Boolean(chapter.title.trim());
		const themeIds = chapter.themes.map((t, ti) => `thema-${ci + 1}-${ti + 1}`);
		const themeToc = chapter.themes.map((t, ti) => `<li><a href="#${themeIds[ti]}">${e(themeHeading(t))}</a></li>`).join('');
		if (named) {
			toc.push(`<li><a href="#hoofdstuk-${ci + 1}">${e(chapter.title)}</a>${themeToc ? `<ol>${themeToc}</ol>` : ''}</li>`);
			body.push(
				`<section class="chapter" aria-labelledby="hoofdstuk-${ci + 1}"><h1 id="hoofdstuk-${ci + 1}">${e(chapter.title)}</h1>` +
					chapter.themes.map((t, ti) => theme(t, 2, doc, words, bothLevels, themeIds[ti])).join('\n') +
					'</section>'
			);
		} else {
			toc.push(themeToc);
			body.push(`<section class="chapter">${chapter.themes.map((t, ti) => theme(t, 1, doc, words, bothLevels, themeIds[ti])).join('\n')}</section>`);
		}
	});
	return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>${e(title)}</title>
<meta name="author" content="Kring">
<style>${CSS}</style>
</head>
<body>
${cover}
<nav class="contents" aria-labelledby="inhoud"><p class="label" id="inhoud">${e(words.contents)}</p><ol>${toc.join('')}</ol></nav>
<main>
${body.join('\n')}
</main>
</body>
</html>`;
}
