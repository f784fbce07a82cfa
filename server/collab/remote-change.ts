import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { Cluster } from './cluster.ts';
import type { DocumentStore } from './document-store.ts';
import type { ChangeOptions } from './index.ts';
import { docFromStored } from './store.ts';
import { errorText } from './util.ts';

/**
 * A change of the server (a board move, a review status, closing a cycle) to
 * a document that another node owns (cluster.ts). The change is made here on
 * a copy of the document as stored — the owner commits before it broadcasts,
 * so that is everything anyone has seen — and only what it adds (a Yjs
 * update) travels to the owner as a cluster message. The owner applies it
 * through its own commit path and answers once it is committed; a CRDT update
 * merges with whatever the owner received meanwhile. Resolves when the owner
 * has committed. When the owner does not answer within ANSWER_MS, or stops
 * being the owner, the same update goes again (to the new owner, or applied
 * here when nobody owns the document): a Yjs update applies once however
 * often it arrives. Rejects after three attempts.
 */

export class OwnedElsewhere extends Error {
	constructor(name: string) {
		super(`document ${name} is owned by another node`);
	}
}

/** how long a node waits for the owner's answer */
export const ANSWER_MS = 10_000;

export interface RemoteChanges {
	change(name: string, fn: (doc: Y.Doc) => void, how: ChangeOptions): Promise<void>;
}

export function createRemoteChanges(options: {
	cluster: Cluster;
	store: DocumentStore;
	log: Logger;
	/** applies a change on this node, or throws OwnedElsewhere */
	changeHere(name: string, fn: (doc: Y.Doc) => void, how: ChangeOptions): Promise<void>;
	/** how long to wait for the owner's answer (ANSWER_MS) */
	answerMs?: number;
}): RemoteChanges {
	const { cluster, log } = options;
	const answerMs = options.answerMs ?? ANSWER_MS;
	const waiting = new Map<string, (answer: { ok: boolean; error?: string }) => void>();

	cluster.onMessage((message) => {
		if (message.kind === 'change-done') {
			waiting.get(String(message.id))?.({ ok: message.ok === true, error: typeof message.error === 'string' ? message.error : undefined });
			return;
		}
		if (message.kind !== 'change') return;
		const { id, name, update, author, newSession } = message as unknown as { id: string; name: string; update: string; author?: string; newSession?: boolean };
		const answer = (ok: boolean, error?: string) =>
			cluster.send(message.from, { kind: 'change-done', id, ok, error }).catch((err: unknown) => log.warn({ err: errorText(err) }, 'cluster answer not sent'));
		const bytes = Buffer.from(update, 'base64');
		options
			.changeHere(name, (doc) => Y.applyUpdate(doc, bytes), { origin: 'server', author, newSession })
			.then(
				() => answer(true),
				(err: unknown) => answer(false, err instanceof OwnedElsewhere ? 'not-owner' : errorText(err))
			);
	});

	/** Sends the change to the owner: 'again' when there is none (any more) or it did not answer in time. */
	async function viaOwner(name: string, id: string, update: Uint8Array, how: ChangeOptions): Promise<'done' | 'again'> {
		const owner = await cluster.ownerOf(name);
		if (!owner) return 'again';
		const answered = new Promise<{ ok: boolean; error?: string }>((resolve) => {
			const timer = setTimeout(() => resolve({ ok: false, error: 'timeout' }), answerMs);
			waiting.set(id, (answer) => {
				clearTimeout(timer);
				resolve(answer);
			});
		});
		try {
			const message = { kind: 'change', id, name, update: Buffer.from(update).toString('base64'), author: how.author, newSession: how.newSession };
			if (!(await cluster.send(owner.nodeId, message))) throw new Error(`the change of ${name} is too large to send to its owner node`);
			const answer = await answered;
			if (answer.ok) return 'done';
			if (answer.error === 'not-owner' || answer.error === 'timeout') return 'again';
			throw new Error(`the owner node could not apply the change of ${name}: ${answer.error}`);
		} finally {
			waiting.delete(id);
		}
	}

	return {
		async change(name, fn, how) {
			// The change is made once, on a copy of the stored document, and every attempt sends the
			// same update: applying a Yjs update that is already there changes nothing, so an
			// owner that answers too late and then gets it again still applies it once.
			const copy = docFromStored(await options.store.read(name));
			let update: Uint8Array;
			try {
				const before = Y.encodeStateVector(copy);
				copy.transact(() => fn(copy), how.origin ?? 'server');
				update = Y.encodeStateAsUpdate(copy, before);
			} finally {
				copy.destroy();
			}
			const id = randomUUID();
			for (let attempt = 0; attempt < 3; attempt++) {
				// nobody owns it (any more): this node takes it
				try {
					if ((await viaOwner(name, id, update, how)) === 'done') return;
					await options.changeHere(name, (doc) => Y.applyUpdate(doc, update), how);
					return;
				} catch (err) {
					if (!(err instanceof OwnedElsewhere)) throw err;
				}
			}
			throw new Error(`no node could apply the change of ${name}`);
		}
	};
}
