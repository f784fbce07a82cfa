import * as v from 'valibot';
import { m } from './paraglide/messages.js';

/**
 * The schemas of every thread input (JSON API and pages), one per input,
 * with Dutch messages. The domain (server/thread.ts) checks the same limits
 * again, so a caller that skips these cannot store bad data either.
 */
export const COMMENT_MAX = 10_000;

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9]{1,40}$/));

export const Body = v.pipe(
	v.string(() => m.comment_required()),
	v.transform((s) => s.replace(/\r\n?/g, '\n').trim()),
	v.minLength(1, () => m.comment_required()),
	v.maxLength(COMMENT_MAX, () => m.comment_too_long())
);

/** base64 of an encoded Yjs relative position (a few dozen bytes) */
const Position = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]{1,400}={0,2}$/));

export const NewThreadInput = v.object({
	target: v.object({ kind: v.picklist(['plan', 'theme', 'action']), id: Id }),
	body: Body,
	anchor: v.optional(
		v.nullable(
			v.object({
				field: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,80}$/)),
				start: Position,
				end: Position,
				quote: v.pipe(
					v.string(),
					v.transform((s) => s.slice(0, 500))
				)
			})
		)
	)
});

export const ThreadChangeInput = v.variant('op', [
	v.object({ op: v.literal('reply'), body: Body }),
	v.object({ op: v.literal('edit'), commentId: Id, body: Body }),
	v.object({ op: v.literal('delete'), commentId: Id }),
	v.object({ op: v.literal('status'), status: v.picklist(['open', 'resolved']) })
]);

export const ThreadListQuery = v.object({
	status: v.optional(v.picklist(['open', 'resolved'])),
	target: v.optional(
		v.pipe(
			v.string(),
			v.regex(/^(plan|theme|action):[a-z0-9]{1,40}$/),
			v.transform((s) => {
				const [kind, id] = s.split(':');
				return { kind: kind as 'plan' | 'theme' | 'action', id };
			})
		)
	)
});
