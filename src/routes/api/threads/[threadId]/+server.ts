import { json } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { parseInput } from '$lib/server/forms';
import { getRuntime } from '$lib/server/runtime';
import { addComment, deleteComment, editComment, getThread, setThreadStatus } from '$lib/server/thread';
import { announce, badInput, readJson, refused } from '$lib/thread-api.server';
import { ThreadChangeInput } from '$lib/thread-input';
import { currentUser, notFound } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** GET: one thread with its comments, for whoever can read its plan. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { user, roles } = await currentUser(locals);
	const thread = await getThread(getRuntime().db, { id: user.id, roles }, params.threadId);
	if (!thread) notFound();
	return json(thread);
};

/**
 * POST: one change to the thread, as JSON `{ op, … }`:
 * `reply` (body), `edit` / `delete` (commentId[, body]), `status` (open|resolved).
 * The domain decides who may; the answer carries the thread as it is now.
 */
export const POST: RequestHandler = async ({ locals, params, request }) => {
	const { db, logger } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const parsed = parseInput(ThreadChangeInput, await readJson(request), m.validation_bad_input());
	if (!parsed.ok) return badInput(parsed.message, parsed.errors);
	const actor = { id: user.id, roles };
	const input = parsed.data;
	const threadId = params.threadId;
	let message: string;
	let result;
	if (input.op === 'reply') {
		result = await addComment(db, actor, { threadId, body: input.body });
		message = m.thread_posted();
	} else if (input.op === 'edit') {
		result = await editComment(db, actor, { threadId, commentId: input.commentId, body: input.body });
		message = m.comment_updated_message();
	} else if (input.op === 'delete') {
		result = await deleteComment(db, actor, { threadId, commentId: input.commentId });
		message = m.comment_deleted_message();
		// an admin removing someone else's words is on the record (ids only, never the text)
		if (result.ok && result.byAdmin) {
			logger.warn({ event: 'comment_deleted_by_admin', user: user.id, thread: threadId, comment: input.commentId }, 'comment deleted by admin');
		}
	} else {
		result = await setThreadStatus(db, actor, { threadId, status: input.status });
		message = input.status === 'resolved' ? m.thread_resolved_message() : m.thread_reopened_message();
	}
	if (!result.ok) return refused(result);
	logger.info({ event: `thread_${input.op}`, user: user.id, thread: threadId, comment: result.commentId }, 'thread changed');
	announce(result);
	return json({ thread: await getThread(db, actor, threadId), message });
};
