import { download, XLSX_TYPE } from '$lib/document-export.server';
import { responsesSource } from '$lib/responses-export.server';
import { renderResponsesXlsx } from '$lib/server/responses-export';
import type { RequestHandler } from './$types';

/** GET: the council responses register of a version as an Excel workbook. */
export const GET: RequestHandler = async ({ locals, params, getClientAddress }) => {
	const source = await responsesSource(locals, params.versionId, getClientAddress(), 'zienswijzen.xlsx');
	return download(await renderResponsesXlsx(source.responses, source.words), XLSX_TYPE, `${source.baseName}.xlsx`);
};
