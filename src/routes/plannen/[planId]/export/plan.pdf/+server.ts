import { download, livePlanSource, pdfOf, PDF_TYPE } from '$lib/document-export.server';
import type { RequestHandler } from './$types';

/** GET: the live plan as a tagged PDF (503 with a Dutch message where the host has no Chromium). */
export const GET: RequestHandler = async ({ locals, params, getClientAddress, url }) => {
	const source = await livePlanSource(locals, params.planId, getClientAddress(), url);
	const bytes = await pdfOf(source.doc);
	await source.audit('plan.pdf');
	return download(bytes, PDF_TYPE, `${source.baseName}.pdf`);
};
