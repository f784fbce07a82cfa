import { download, DOCX_TYPE, livePlanSource } from '$lib/document-export.server';
import { exportWords } from '$lib/export-words';
import { renderPlanDocx } from '$lib/server/plan-docx';
import type { RequestHandler } from './$types';

/** GET: the live plan as a Word document (cover, contents, chapters, themes, action cards). */
export const GET: RequestHandler = async ({ locals, params, getClientAddress, url }) => {
	const source = await livePlanSource(locals, params.planId, getClientAddress(), url);
	const bytes = await renderPlanDocx(source.doc, exportWords());
	await source.audit('plan.docx');
	return download(bytes, DOCX_TYPE, `${source.baseName}.docx`);
};
