import { json } from '@sveltejs/kit';
import { loadVersionContext } from '$lib/review-context.server';
import type { RequestHandler } from './$types';

/**
 * One adopted version with its frozen snapshot (read-only JSON). The Yjs
 * states are included (base64), so the version can be restored exactly.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { version } = await loadVersionContext(locals, params.versionId);
	return json(version);
};
