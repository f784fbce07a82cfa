import { download, livePlanSource, ODT_TYPE, odtOf } from '$lib/document-export.server';
import type { RequestHandler } from './$types';

/** GET: the live plan as OpenDocument, converted from its Word document by LibreOffice (503 where the host has none). */
export const GET: RequestHandler = async ({ locals, params, getClientAddress, url }) => {
	const source = await livePlanSource(locals, params.planId, getClientAddress(), url);
	const bytes = await odtOf(source.doc);
	await source.audit('plan.odt');
	return download(bytes, ODT_TYPE, `${source.baseName}.odt`);
};
