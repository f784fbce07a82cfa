import { download, ODT_TYPE, odtOf, versionSource } from '$lib/document-export.server';
import type { RequestHandler } from './$types';

/** GET: an adopted version as OpenDocument, converted from its Word document by LibreOffice (503 where the host has none). */
export const GET: RequestHandler = async ({ locals, params, getClientAddress }) => {
	const source = await versionSource(locals, params.versionId, getClientAddress());
	const bytes = await odtOf(source.doc);
	await source.audit('versie.odt');
	return download(bytes, ODT_TYPE, `${source.baseName}.odt`);
};
