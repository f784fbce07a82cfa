import { download, pdfOf, PDF_TYPE, versionSource } from '$lib/document-export.server';
import type { RequestHandler } from './$types';

/** GET: an adopted version as a tagged PDF (503 with a Dutch message where the host has no Chromium). */
export const GET: RequestHandler = async ({ locals, params, getClientAddress }) => {
	const source = await versionSource(locals, params.versionId, getClientAddress());
	const bytes = await pdfOf(source.doc);
	await source.audit('versie.pdf');
	return download(bytes, PDF_TYPE, `${source.baseName}.pdf`);
};
