import { error } from '@sveltejs/kit';
import { fileSlug } from '$lib/csv';
import { exportWords } from '$lib/export-words';
import { m } from '$lib/paraglide/messages';
import { loadVersionContext } from '$lib/review-context.server';
import { readablePlan } from '$lib/route-helpers.server';
import { recordAudit } from '$lib/server/audit';
import { focusSet } from '$lib/server/focus';
import { buildPlanDocument, buildVersionDocument, keepFocus, type PlanDocument } from '$lib/server/plan-document';
import { renderPlanHtml } from '$lib/server/plan-html';
import { renderPlanDocx } from '$lib/server/plan-docx';
import { convertDocx, findSoffice } from '$lib/server/plan-odt';
import { pdfRenderer, renderPdf } from '$lib/server/plan-pdf';
import { getRuntime } from '$lib/server/runtime';

/**
 * What the DOCX, XLSX and PDF download routes share: rights (readers of the
 * region; 404 for anyone else, as readablePlan and loadVersionContext do),
 * the plan model, the audit row and the response.
 */

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PDF_TYPE = 'application/pdf';
export const ODT_TYPE = 'application/vnd.oasis.opendocument.text';

export interface ExportSource {
	doc: PlanDocument;
	roles: Awaited<ReturnType<typeof readablePlan>>['roles'] | null;
	audit: (file: string) => Promise<void>;
	/** the download's name without its extension */
	baseName: string;
}

/** `?focus=<year>` narrows the plan to that year's focus (see keepFocus); anything else is the whole plan. */
export async function livePlanSource(locals: App.Locals, planId: string, origin: string, url?: URL): Promise<ExportSource> {
	const { plan, roles, user } = await readablePlan(locals, planId);
	const runtime = getRuntime();
	const whole = await buildPlanDocument(runtime.db, plan.id, roles, (name) => runtime.readDocument(name));
	if (!whole) error(404, 'Niet gevonden');
	const focusYear = Number(url?.searchParams.get('focus'));
	const doc = Number.isInteger(focusYear) && focusYear > 0 ? keepFocus(whole, await focusSet(runtime.db, plan.id, focusYear)) : whole;
	return {
		doc,
		roles,
		baseName: fileSlug(plan.title),
		audit: (file) =>
			recordAudit(runtime.db, {
				action: 'export.downloaded',
				actor: user,
				regionId: plan.regionId,
				object: { type: 'plan', id: plan.id, label: plan.title },
				origin,
				detail: { file }
			})
	};
}

export async function versionSource(locals: App.Locals, versionId: string, origin: string): Promise<ExportSource> {
	const { version, plan, user } = await loadVersionContext(locals, versionId);
	const { db } = getRuntime();
	const doc = await buildVersionDocument(db, version);
	if (!doc) error(404, 'Niet gevonden');
	return {
		doc,
		roles: null,
		baseName: `${fileSlug(plan.title)}-${fileSlug(version.label)}`,
		audit: (file) =>
			recordAudit(db, {
				action: 'export.downloaded',
				actor: user,
				regionId: plan.regionId,
				object: { type: 'version', id: version.id, label: `${plan.title} — ${version.label}` },
				origin,
				detail: { file }
			})
	};
}

export function download(bytes: Uint8Array, type: string, filename: string): Response {
	return new Response(new Uint8Array(bytes), {
		headers: {
			'Content-Type': type,
			'Content-Disposition': `attachment; filename="${filename}"`,
			'Content-Length': String(bytes.byteLength),
			'Cache-Control': 'private, no-store'
		}
	});
}

/** Whether this host can print PDFs (Chromium and playwright-core present): the download links say so when not. */
export async function pdfAvailable(): Promise<boolean> {
	return (await pdfRenderer(process.env)) !== null;
}

/** The PDF of a plan model; 503 with a plain Dutch message when the host has no Chromium or printing fails. */
export async function pdfOf(doc: PlanDocument): Promise<Buffer> {
	const renderer = await pdfRenderer(process.env);
	if (!renderer) error(503, m.export_pdf_unavailable());
	const words = exportWords();
	try {
		return await renderPdf(renderer, renderPlanHtml(doc, words), { footer: words.page });
	} catch (err) {
		getRuntime().logger.error({ event: 'pdf_failed', plan: doc.planId, err: err instanceof Error ? err.message : String(err) }, 'PDF could not be printed');
		error(503, m.export_pdf_failed());
	}
}

/** The ODT of a plan model: its DOCX converted by the host's LibreOffice; 503 with a plain Dutch message without it or when converting fails. */
export async function odtOf(doc: PlanDocument): Promise<Buffer> {
	const soffice = findSoffice(process.env);
	if (!soffice) error(503, m.docs_odt_unavailable());
	const docx = await renderPlanDocx(doc, exportWords());
	try {
		return await convertDocx(soffice, docx, 'odt');
	} catch (err) {
		getRuntime().logger.error({ event: 'odt_failed', plan: doc.planId, err: err instanceof Error ? err.message : String(err) }, 'ODT could not be made');
		error(503, m.docs_odt_failed());
	}
}
