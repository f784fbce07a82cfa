import { download, livePlanSource, XLSX_TYPE } from '$lib/document-export.server';
import { exportWords } from '$lib/export-words';
import { renderPlanXlsx } from '$lib/server/plan-xlsx';
import { getRuntime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/** GET: the live plan as a workbook: actions, local adoption, evaluation decisions, budget, indicators. */
export const GET: RequestHandler = async ({ locals, params, getClientAddress, url }) => {
	const source = await livePlanSource(locals, params.planId, getClientAddress(), url);
	const bytes = await renderPlanXlsx(getRuntime().db, source.doc, source.roles!, exportWords());
	await source.audit('plan.xlsx');
	return download(bytes, XLSX_TYPE, `${source.baseName}.xlsx`);
};
