import { download, DOCX_TYPE } from '$lib/document-export.server';
import { responsesSource } from '$lib/responses-export.server';
import { renderResponsesDocx } from '$lib/server/responses-export';
import type { RequestHandler } from './$types';

/** GET: the council responses register of a version as a Word document. */
export const GET: RequestHandler = async ({ locals, params, getClientAddress }) => {
	const source = await responsesSource(locals, params.versionId, getClientAddress(), 'zienswijzen.docx');
	return download(await renderResponsesDocx(source.responses, source.words), DOCX_TYPE, `${source.baseName}.docx`);
};
