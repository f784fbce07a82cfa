import { download, DOCX_TYPE, versionSource } from '$lib/document-export.server';
import { exportWords } from '$lib/export-words';
import { renderPlanDocx } from '$lib/server/plan-docx';
import type { RequestHandler } from './$types';

/** GET: an adopted version as a Word document, its name and adoption date on the cover. */
export const GET: RequestHandler = async ({ locals, params, getClientAddress }) => {
	const source = await versionSource(locals, params.versionId, getClientAddress());
	const bytes = await renderPlanDocx(source.doc, exportWords());
	await source.audit('versie.docx');
	return download(bytes, DOCX_TYPE, `${source.baseName}.docx`);
};
