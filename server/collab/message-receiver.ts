import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { CloseEventName } from './close-codes.ts';
import { hasTokens, type Conn } from './connection.ts';
import { awarenessSnapshot, hasPending, type LoadedDoc } from './document.ts';
import { MessageType, SyncType, decodeAwareness, encodeSyncStep2 } from './protocol.ts';
import type { CollabSettings } from './settings.ts';
import { asBuffer, errorText } from './util.ts';

/**
 * The protocol messages of one connection: sync (step 1 answered, step 2 and
 * updates decoded in full and queued for the flush), awareness (the session's
 * identity imposed, ownership and clocks enforced) and awareness queries.
 * Everything that leaves the receiver goes through the context: sending,
 * closing a connection, and queueing its document for the next flush.
 */

export interface ReceiverContext {
	settings: CollabSettings;
	send(conn: Conn, message: Buffer): void;
	closeConn(conn: Conn, name: CloseEventName, detail?: string): void;
	markDirty(doc: LoadedDoc): void;
}

export function createMessageReceiver(ctx: ReceiverContext): (conn: Conn, data: Buffer, isBinary: boolean) => void {
	const { settings, send, closeConn, markDirty } = ctx;

	function onMessage(conn: Conn, data: Buffer, isBinary: boolean): void {
		if (conn.closed) return;
		if (!isBinary) {
			closeConn(conn, 'BadMessage', 'text frame');
			return;
		}
		if (!hasTokens(conn, settings)) {
			closeConn(conn, 'RateLimited');
			return;
		}
		try {
			const decoder = decoding.createDecoder(data);
			const type = decoding.readVarUint(decoder);
			if (type === MessageType.Sync) {
				conn.tokens -= 1;
				onSync(conn, decoder);
			} else if (type === MessageType.Awareness) {
				conn.tokens -= onAwareness(conn, decoding.readVarUint8Array(decoder)) ? 1 : 0.1;
			} else if (type === MessageType.QueryAwareness) {
				conn.tokens -= 1;
				send(conn, awarenessSnapshot(conn.doc));
			} else {
				closeConn(conn, 'UnknownMessageType', `type ${type}`);
			}
		} catch (err) {
			closeConn(conn, 'BadMessage', errorText(err));
		}
	}

	function onSync(conn: Conn, decoder: decoding.Decoder): void {
		const doc = conn.doc;
		const syncType = decoding.readVarUint(decoder);
		if (syncType === SyncType.Step1) {
			const stateVector = decoding.readVarUint8Array(decoder);
			Y.decodeStateVector(stateVector); // throws on a malformed one
			if (hasPending(doc)) {
				// answered after this turn's commit, so it carries only committed state
				doc.syncRequests.push({ conn, stateVector });
				markDirty(doc);
			} else {
				send(conn, asBuffer(encodeSyncStep2(Y.encodeStateAsUpdate(doc.ydoc, stateVector))));
			}
		} else if (syncType === SyncType.Step2 || syncType === SyncType.Update) {
			const update = decoding.readVarUint8Array(decoder);
			// A reader's updates are dropped: not applied, stored, broadcast or acknowledged.
			if (!conn.write) return;
			try {
				Y.decodeUpdate(update);
			} catch (err) {
				closeConn(conn, 'UpdateRejected', errorText(err));
				return;
			}
			conn.updatesReceived += 1;
			doc.incoming.push({ conn, update });
			doc.senders.add(conn);
			doc.authors.add(conn.identity.id);
			if (conn.wantsSaved) doc.acks.add(conn);
			markDirty(doc);
		} else {
			closeConn(conn, 'BadMessage', `sync type ${syncType}`);
		}
	}

	/** Returns whether the message carried presence of this connection's own. */
	function onAwareness(conn: Conn, payload: Uint8Array): boolean {
		// A reader's presence is not relayed.
		if (!conn.write) return false;
		const doc = conn.doc;
		let claims = conn.awarenessIds.size;
		const entries = decodeAwareness(payload, (clientId, clock) => {
			const owner = doc.awarenessOwners.get(clientId);
			if (owner === conn) return true;
			// Clients echo every awareness change they receive: other
			// connections' ids and stale clocks are skipped without a word, and
			// ids beyond the connection's allowance are dropped.
			if (owner !== undefined || claims >= settings.maxAwarenessClients) return false;
			const known = doc.awarenessClocks.get(clientId);
			if (known !== undefined && clock <= known) return false;
			claims += 1;
			return true;
		});
		for (const { clientId, clock, state } of entries) {
			const known = doc.awarenessClocks.get(clientId);
			const owned = conn.awarenessIds.has(clientId);
			if (state === 'null') {
				if (!owned || (known !== undefined && clock < known)) continue;
				doc.awarenessClocks.set(clientId, clock);
				if (doc.awarenessStates.delete(clientId)) doc.awarenessOut.set(clientId, { clientId, clock, state });
				continue;
			}
			if (known !== undefined && clock <= known) continue;
			if (state.length > settings.maxAwarenessStateLength) continue;
			const parsed: unknown = JSON.parse(state); // throws → BadMessage
			if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
			// The identity shown to others is the session's, whatever the client claims.
			(parsed as Record<string, unknown>).user = conn.identity;
			const json = JSON.stringify(parsed);
			if (!owned) {
				conn.awarenessIds.add(clientId);
				doc.awarenessOwners.set(clientId, conn);
			}
			doc.awarenessClocks.set(clientId, clock);
			doc.awarenessStates.set(clientId, { clock, json });
			doc.awarenessOut.set(clientId, { clientId, clock, state: json });
		}
		if (doc.awarenessOut.size > 0) markDirty(doc);
		return entries.length > 0;
	}

	return onMessage;
}
