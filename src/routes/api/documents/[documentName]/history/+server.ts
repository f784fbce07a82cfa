import { json } from '@sveltejs/kit';
import { historyTarget, listHistory } from '$lib/server/history';
import { getRuntime } from '$lib/server/runtime';
import { currentUser, notFound } from '$lib/route-helpers.server';
import { m } from '$lib/paraglide/messages';
import type { RequestHandler } from './$types';

/**
 * A document's editing sessions, newest first (`plan:<id>`, `theme:<id>`,
 * `action:<id>`): `{ versionId, author: { id, name }, from, to, restorable }`.
 * Readers of the document only, with the same rights as the socket; 404 for
 * everyone else and for names that are not documents.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { db } = getRuntime();
	const { roles } = await currentUser(locals);
	const target = await historyTarget(db, roles, params.documentName);
	if (!target) notFound();
	const entries = await listHistory(db, target.name);
	return json({
		documentName: target.name,
		canRestore: target.access === 'write' && !target.archived,
		entries: entries.map((e) => ({
			...e,
			author: { id: e.author.id, name: e.author.name ?? (e.author.id === null ? m.history_author_system() : m.history_author_unknown()) }
		}))
	});
};
