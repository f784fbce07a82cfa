import * as decoding from 'lib0/decoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/**
 * Opens one collaborative document: a y-websocket provider to the server at
 * /collab/<name> and, in the browser, y-indexeddb so edits made offline
 * survive a reload and merge on reconnect. Connection and saved state are
 * runes for the UI; the Y.Doc, provider and persistence stay plain private
 * fields — a Yjs object inside a $state proxy would be deep-proxied and break.
 *
 * "Saved" comes from the server (see docs/collab.md): the socket is opened
 * with `?saved=1`, and after each commit the server sends message type 100
 * with the number of update-bearing messages (sync step 2 / update) of this
 * socket that are now stored. Counting what this socket sent tells whether
 * every local change is covered.
 */

export type ConnectionState = 'connecting' | 'connected' | 'offline';
export type SavedState = 'saved' | 'saving' | 'offline-pending';

/** Kring's message types; the same numbers as server/collab/protocol.ts. */
export const MESSAGE_SAVED = 100;
export const MESSAGE_ACCESS = 101;

export interface OpenDocumentOptions {
	/** base URL of the socket; default ws(s)://<this host>/collab */
	url?: string;
	/** keep a copy in IndexedDB for offline work; default: when IndexedDB exists */
	offline?: boolean;
	/** for Node (tests): a WebSocket class, e.g. from `ws` */
	WebSocketPolyfill?: typeof WebSocket;
	/** share changes between tabs of this browser through BroadcastChannel; default true */
	broadcastChannel?: boolean;
}

type SocketClass = typeof WebSocket;

function defaultUrl(): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/collab`;
}

export class CollabDocument {
	readonly name: string;
	connection = $state<ConnectionState>('connecting');
	saved = $state<SavedState>('saved');
	/** true once the first sync with the server completed on the current connection */
	synced = $state(false);
	/** true when the server gave a read-only connection; null until it said (kept across reconnects) */
	readOnly = $state<boolean | null>(null);
	/** set when the server closed for good (session ended, no access, document gone) */
	closed = $state.raw<{ code: number; reason: string } | null>(null);

	readonly #doc: Y.Doc;
	readonly #provider: WebsocketProvider;
	readonly #persistence: IndexeddbPersistence | null;
	readonly #onUpdate: (update: Uint8Array, origin: unknown) => void;
	/** the socket whose messages are being counted */
	#socket: object | null = null;
	/** a local change exists that no message sent so far carries */
	#dirty = false;
	#sent = 0;
	#needAck = 0;
	#acked = 0;
	#failedOnce = false;
	#everConnected = false;

	constructor(name: string, options: OpenDocumentOptions = {}) {
		this.name = name;
		this.#doc = new Y.Doc();
		// Registered before the provider's own listener, so a change is marked
		// dirty before the provider sends it (see #countSent).
		this.#onUpdate = (_update, origin) => {
			if (origin === this.#provider) return;
			this.#dirty = true;
			this.#refresh();
		};
		this.#doc.on('update', this.#onUpdate);

		const Base: SocketClass = options.WebSocketPolyfill ?? WebSocket;
		// eslint-disable-next-line @typescript-eslint/no-this-alias
		const self = this;
		class CountingSocket extends Base {
			constructor(url: string | URL, protocols?: string | string[]) {
				super(url, protocols);
				self.#startSocket(this);
			}
			override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
				self.#countSent(this, data);
				super.send(data);
			}
		}

		this.#provider = new WebsocketProvider(options.url ?? defaultUrl(), name, this.#doc, {
			params: { saved: '1' },
			WebSocketPolyfill: CountingSocket,
			disableBc: options.broadcastChannel === false
		});
		this.#provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
			const count = decoding.readVarUint(decoder);
			if (count > this.#acked) this.#acked = count;
			this.#refresh();
		};
		this.#provider.messageHandlers[MESSAGE_ACCESS] = (_encoder, decoder) => {
			this.readOnly = decoding.readVarUint(decoder) === 0;
			this.#refresh();
		};
		this.#provider.on('status', ({ status }) => {
			if (status === 'connected') {
				this.#everConnected = true;
				this.connection = 'connected';
			} else if (status === 'disconnected' || this.#everConnected || this.#failedOnce) {
				this.connection = 'offline';
			} else {
				this.connection = 'connecting';
			}
			this.#refresh();
		});
		this.#provider.on('connection-close', () => {
			this.#failedOnce = true;
			if (this.connection !== 'connected') this.connection = 'offline';
			this.#refresh();
		});
		this.#provider.on('sync', (isSynced: boolean) => {
			this.synced = isSynced;
		});
		this.#provider.on('closed', (event: { code: number; reason: string }) => {
			this.closed = event;
			this.connection = 'offline';
			this.#refresh();
		});

		const offline = options.offline ?? typeof indexedDB !== 'undefined';
		this.#persistence = offline ? new IndexeddbPersistence(`kring:${name}`, this.#doc) : null;
	}

	/** The document itself. Never put it (or the provider) into $state. */
	get doc(): Y.Doc {
		return this.#doc;
	}

	get provider(): WebsocketProvider {
		return this.#provider;
	}

	get awareness(): Awareness {
		return this.#provider.awareness;
	}

	/** Resolves when the IndexedDB copy (if any) has been loaded into the document. */
	whenLocalLoaded(): Promise<void> {
		return this.#persistence ? this.#persistence.whenSynced.then(() => undefined) : Promise.resolve();
	}

	destroy(): void {
		this.#provider.destroy();
		void this.#persistence?.destroy();
		this.#doc.off('update', this.#onUpdate);
		this.#doc.destroy();
	}

	#startSocket(socket: object): void {
		// Whatever the previous socket sent without an acknowledgement goes
		// again in the next sync (the server's state vector lacks it).
		if (this.#acked < this.#needAck) this.#dirty = true;
		this.#socket = socket;
		this.#sent = 0;
		this.#needAck = 0;
		this.#acked = 0;
	}

	#countSent(socket: object, data: unknown): void {
		if (socket !== this.#socket || !(data instanceof Uint8Array)) return;
		// sync (0) step 2 (1) or update (2): the messages that carry changes
		if (data[0] !== 0 || (data[1] !== 1 && data[1] !== 2)) return;
		this.#sent += 1;
		if (this.#dirty) {
			this.#dirty = false;
			this.#needAck = this.#sent;
		}
		this.#refresh();
	}

	#refresh(): void {
		const pending = this.#dirty || this.#acked < this.#needAck;
		let next: SavedState;
		if (!pending || this.readOnly) next = 'saved';
		else if (this.connection === 'offline') next = 'offline-pending';
		else next = 'saving';
		if (this.saved !== next) this.saved = next;
	}
}

export function openDocument(name: string, options?: OpenDocumentOptions): CollabDocument {
	return new CollabDocument(name, options);
}
