import { accessSync, constants } from 'node:fs';
import { escapeHtml } from './rich-doc.ts';

/**
 * PDF by printing the plan's print HTML (plan-html.ts) with a headless
 * Chromium through playwright-core: Chromium writes a tagged PDF (structure
 * tree from the semantic HTML, language from <html lang="nl">) with bookmarks
 * from the headings. Chromium and playwright-core are optional on a host: when
 * either is missing, `pdfRenderer` says so and the routes offer DOCX instead.
 */

export interface PdfRenderer {
	executablePath: string;
}

/** Where the host's Chromium is: CHROMIUM_PATH, else Debian's /usr/bin/chromium; null when neither can run. */
export function findChromium(env: Record<string, string | undefined>): string | null {
	for (const path of [env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p))) {
		try {
			accessSync(path, constants.X_OK);
			return path;
		} catch {
			// try the next one
		}
	}
	return null;
}

type Chromium = typeof import('playwright-core').chromium;

let loaded: Promise<Chromium | null> | null = null;

/**
 * playwright-core, loaded at run time by a computed name so the app's bundle
 * keeps it external (it ships with @playwright/test; a host without it gets no PDF).
 */
function loadChromium(): Promise<Chromium | null> {
	const name = 'playwright-core';
	loaded ??= import(/* @vite-ignore */ name).then(
		(mod: typeof import('playwright-core')) => mod.chromium ?? null,
		() => null
	);
	return loaded;
}

export async function pdfRenderer(env: Record<string, string | undefined>): Promise<PdfRenderer | null> {
	const executablePath = findChromium(env);
	if (!executablePath) return null;
	return (await loadChromium()) ? { executablePath } : null;
}

/** One print at a time: a Chromium per PDF is heavy on a small host, and prints are rare. */
let queue: Promise<unknown> = Promise.resolve();

export async function renderPdf(renderer: PdfRenderer, html: string, options: { footer: string }): Promise<Buffer> {
	const chromium = await loadChromium();
	if (!chromium) throw new Error('playwright-core is not installed');
	const job = queue.then(async () => {
		const browser = await chromium.launch({ executablePath: renderer.executablePath, args: ['--no-sandbox', '--disable-gpu'] });
		try {
			const page = await browser.newPage({ javaScriptEnabled: false });
			// the print HTML is self-contained: refuse any request it might make
			await page.route('**/*', (route) => route.abort());
			await page.setContent(html, { waitUntil: 'load' });
			const pdf = await page.pdf({
				format: 'A4',
				printBackground: true,
				tagged: true,
				outline: true,
				displayHeaderFooter: true,
				headerTemplate: '<span></span>',
				footerTemplate: `<div style="width:100%;font-size:8pt;text-align:center;color:#444;font-family:Arial,sans-serif">${escapeHtml(options.footer)} <span class="pageNumber"></span></div>`,
				margin: { top: '22mm', bottom: '20mm', left: '18mm', right: '18mm' }
			});
			return Buffer.from(pdf);
		} finally {
			await browser.close();
		}
	});
	queue = job.catch(() => undefined);
	return job;
}
