import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

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
 * playwright-core, resolved and loaded at run time, so the app's bundle never
 * takes it in (it ships with @playwright/test, a development package; a host
 * without it gets no PDF, and says so).
 */
function loadChromium(): Promise<Chromium | null> {
	loaded ??= (async () => {
		try {
			const path = createRequire(import.meta.url).resolve('playwright-core');
			const mod = (await import(/* @vite-ignore */ pathToFileURL(path).href)) as { chromium?: Chromium; default?: { chromium?: Chromium } };
			return mod.chromium ?? mod.default?.chromium ?? null;
		} catch {
			return null;
		}
	})();
	return loaded;
}

export async function pdfRenderer(env: Record<string, string | undefined>): Promise<PdfRenderer | null> {
	const executablePath = findChromium(env);
	if (!executablePath) return null;
	return (await loadChromium()) ? { executablePath } : null;
}

/** One print at a time: a print of a large plan takes a core, and prints are rare. */
let queue: Promise<unknown> = Promise.resolve();

type Browser = Awaited<ReturnType<Chromium['launch']>>;
let browser: { path: string; promise: Promise<Browser> } | null = null;
let idle: ReturnType<typeof setTimeout> | null = null;
/** The browser stays up this long after a print, so a second download does not wait for Chromium to start. */
const KEEP_ALIVE_MS = 60_000;

function openBrowser(chromium: Chromium, executablePath: string): Promise<Browser> {
	if (browser && browser.path === executablePath) return browser.promise;
	const promise = chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
	const entry = { path: executablePath, promise };
	browser = entry;
	promise.then(
		(b) => b.on('disconnected', () => {
			if (browser === entry) browser = null;
		}),
		() => {
			if (browser === entry) browser = null;
		}
	);
	return promise;
}

function closeLater(): void {
	if (idle) clearTimeout(idle);
	idle = setTimeout(() => {
		const entry = browser;
		browser = null;
		void entry?.promise.then((b) => b.close()).catch(() => undefined);
	}, KEEP_ALIVE_MS);
	idle.unref?.();
}

/** A CSS string literal's content: quotes, backslashes and line breaks escaped. */
function cssString(text: string): string {
	return text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/</g, '\\3c ').replace(/[\r\n]+/g, ' ');
}

export async function renderPdf(renderer: PdfRenderer, html: string, options: { footer: string }): Promise<Buffer> {
	const chromium = await loadChromium();
	if (!chromium) throw new Error('playwright-core is not installed');
	const job = queue.then(async () => {
		if (idle) clearTimeout(idle);
		const context = await (await openBrowser(chromium, renderer.executablePath)).newContext({ javaScriptEnabled: false });
		try {
			const page = await context.newPage();
			// the print HTML is self-contained: refuse any request it might make
			await page.route('**/*', (route) => route.abort());
			// The page number as a CSS page-margin box in the document itself, not Chromium's header/footer
			// templates: those are laid out as a separate document for every page, which made a 250-page plan
			// take about a second longer. The print HTML's own @page rule gives size and margins.
			const footer = `<style>@page { @bottom-center { content: "${cssString(options.footer)} " counter(page); font: 8pt Arial, sans-serif; color: #444; } }</style>`;
			await page.setContent(html.replace('</head>', `${footer}</head>`), { waitUntil: 'load' });
			const pdf = await page.pdf({
				preferCSSPageSize: true,
				printBackground: true,
				tagged: true,
				outline: true
			});
			return Buffer.from(pdf);
		} finally {
			await context.close().catch(() => undefined);
			closeLater();
		}
	});
	queue = job.catch(() => undefined);
	return job;
}

/** Closes the kept browser now (tests, shutdown). */
export async function closePdfBrowser(): Promise<void> {
	if (idle) clearTimeout(idle);
	const entry = browser;
	browser = null;
	await entry?.promise.then((b) => b.close()).catch(() => undefined);
}
