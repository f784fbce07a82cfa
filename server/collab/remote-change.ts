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
 * has committed, rejects when no owner answered within ANSWER_MS.
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
}): RemoteChanges {
	const { cluster, log } = options;
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

	async function viaOwner(name: string, fn: (doc: Y.Doc) => void, how: ChangeOptions): Promise<'done' | 'again'> {
		const owner = await cluster.ownerOf(name);
		if (!owner) return 'again';
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
		const answered = new Promise<{ ok: boolean; error?: string }>((resolve) => {
			const timer = setTimeout(() => resolve({ ok: false, error: 'timeout' }), ANSWER_MS);
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
			for (let attempt = 0; attempt < 3; attempt++) {
				// nobody owns it (any more): this node takes it
				try {
					if ((await viaOwner(name, fn, how)) === 'done') return;
					await options.changeHere(name, fn, how);
					return;
				} catch (err) {
					if (!(err instanceof OwnedElsewhere)) throw err;
				}
			}
			throw new Error(`no node could apply the change of ${name}`);
		}
	};
}
