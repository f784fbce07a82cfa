/**
 * Load-generator clients. One `Conn` is one WebSocket to one document.
 *
 *  - raw connections hold no Y.Doc: they send hand-encoded updates and count
 *    the edits in every update they receive (decoded once per distinct frame
 *    payload — servers send identical bytes to many receivers — then
 *    attributed per receiver, minus the receiver's own edits);
 *  - probe connections hold a real Y.Doc, apply everything they receive and
 *    measure edit → remote-apply latency from the send time inside each edit.
 *
 * Both count "delivered edits": an edit of another client that reached this
 * connection. Echoes of one's own edits are not counted.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
	EDIT_LEN,
	editContent,
	editsInUpdate,
	encodeAwarenessUpdate,
	encodeEditUpdate,
	frameAwareness,
	frameHpAuth,
	framePrefix,
	frameSync,
	nowUs,
	parseIncoming,
	SYNC_STEP1,
	SYNC_STEP2,
	SYNC_UPDATE,
	TEXT_NAME,
	type Framing,
	type UpdateEdits
} from './proto.ts';

export interface Target {
	port: number;
	pathPrefix: string;
	framing: Framing;
	headers?: Record<string, string>;
	/** session tokens of distinct users: client i uses tokens[i mod length] */
	tokens?: string[];
}

/** the session token client `idx` signs in with, or undefined when the server takes none */
export function tokenOf(target: Target, idx: number): string | undefined {
	const t = target.tokens;
	return t && t.length > 0 ? t[idx % t.length] : undefined;
}

/** What one measured phase collects. */
export class Meter {
	/** count deliveries only while active */
	active = false;
	deliveries = 0;
	/** performance.now() of the last counted delivery */
	lastAt = 0;
	/** latency samples (ms) are taken for edits sent in [latFromUs, latToUs] */
	latFromUs = Infinity;
	latToUs = -Infinity;
	lat: number[] = [];
	/** probes: markers `${sender}:${seq}` seen from other clients (SIGKILL test) */
	seen: Set<string> | null = null;
	frames = 0;
	bytesIn = 0;
	unexpectedCloses = 0;
	closeCodes = new Map<number, number>();
	errors = 0;

	reset(): void {
		this.active = false;
		this.deliveries = 0;
		this.lastAt = 0;
		this.latFromUs = Infinity;
		this.latToUs = -Infinity;
		this.lat = [];
		this.seen = null;
		this.frames = 0;
		this.bytesIn = 0;
		this.unexpectedCloses = 0;
		this.closeCodes.clear();
		this.errors = 0;
	}
}

const memo = new Map<string, UpdateEdits>();
/**
 * Servers send the same bytes to every receiver of a broadcast; decode each
 * distinct payload once. The key is the length plus the first and last 40
 * bytes: the first struct's client/clock and the last edit's send time and
 * sequence number make it unique in practice, and it is cheap to hash.
 */
function editsOf(payload: Uint8Array): UpdateEdits {
	const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
	const key =
		buf.length <= 80
			? buf.toString('latin1')
			: buf.length + buf.toString('latin1', 0, 40) + buf.toString('latin1', buf.length - 40);
	let e = memo.get(key);
	if (!e) {
		if (memo.size > 20_000) memo.clear();
		e = editsInUpdate(payload);
		memo.set(key, e);
	}
	return e;
}

export class Client {
	seq = 0;
	conns: Conn[] = [];
	private rr = 0;
	constructor(
		readonly idx: number,
		readonly probe: boolean
	) {}
	/** one edit (and a cursor awareness update) on its next document */
	tick(tsUs: number, withAwareness: boolean): Conn | null {
		if (this.conns.length === 0) return null;
		const conn = this.conns[this.rr++ % this.conns.length];
		conn.sendEdit(tsUs);
		if (withAwareness) conn.sendAwareness();
		return conn;
	}
}

const REMOTE = Symbol('remote');
const LOCAL = Symbol('local');
let nextClientId = 1 + Math.floor(Math.random() * 1e6);

export class Conn {
	ws!: WebSocket;
	readonly yClient: number;
	private clock = 0;
	private awClock = 0;
	private prefix: Uint8Array;
	doc: Y.Doc | null = null;
	synced = false;
	closing = false;
	/** performance.now() when the WebSocket opened (upgrade done) */
	openedAt = 0;
	/** raw connections: the seed character their first edit follows (see SEED_CLIENT) */
	seedSlot: number | undefined = undefined;
	private awState: { user: { name: string; color: string }; cursor: { anchor: number; head: number } };

	constructor(
		readonly target: Target,
		readonly name: string,
		readonly client: Client,
		readonly meter: Meter,
		readonly opts: { saved?: boolean } = {}
	) {
		this.yClient = nextClientId++;
		this.prefix = framePrefix(target.framing, name);
		this.awState = {
			user: { name: `Bench ${client.idx}`, color: '#1f5fa8' },
			cursor: { anchor: 0, head: 0 }
		};
		if (client.probe) {
			this.doc = new Y.Doc();
			this.yClient = this.doc.clientID;
			this.doc.on('update', (u: Uint8Array, origin: unknown) => {
				if (origin === LOCAL) this.send(frameSync(this.prefix, SYNC_UPDATE, u));
			});
			const own = client.idx;
			this.doc.getText(TEXT_NAME).observe((ev) => {
				const m = this.meter;
				if (ev.transaction.origin !== REMOTE || (!m.active && !m.seen && m.latFromUs === Infinity)) return;
				const now = nowUs();
				for (const op of ev.delta) {
					if (typeof op.insert !== 'string') continue;
					const s = op.insert;
					for (let i = 0; i + EDIT_LEN <= s.length; i += EDIT_LEN) {
						const sender = parseInt(s.slice(i + 16, i + 20), 36);
						if (sender === own) continue;
						if (m.active) {
							m.deliveries++;
							m.lastAt = performance.now();
						}
						const ts = Number(s.slice(i, i + 16));
						if (ts >= m.latFromUs && ts <= m.latToUs) m.lat.push((now - ts) / 1000);
						if (m.seen) m.seen.add(`${sender}:${parseInt(s.slice(i + 20, i + 24), 36)}`);
					}
				}
			});
		}
	}

	get url(): string {
		const q = this.opts.saved ? '?saved=1' : '';
		return this.target.framing === 'hp'
			? `ws://127.0.0.1:${this.target.port}/${q}`
			: `ws://127.0.0.1:${this.target.port}${this.target.pathPrefix}${this.name}${q}`;
	}

	/** resolves once the initial sync (server's step 2) arrived */
	open(timeoutMs = 15_000): Promise<void> {
		return new Promise((resolve, reject) => {
			const token = tokenOf(this.target, this.client.idx);
			const headers = token && this.target.framing === 'y' ? { ...this.target.headers, Cookie: `session=${token}` } : this.target.headers;
			const ws = new WebSocket(this.url, { headers, handshakeTimeout: timeoutMs });
			this.ws = ws;
			ws.binaryType = 'nodebuffer';
			const timer = setTimeout(() => {
				reject(new Error(`${this.name}: not synced after ${timeoutMs} ms`));
				ws.terminate();
			}, timeoutMs);
			let settled = false;
			const done = (err?: Error) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				if (err) reject(err);
				else resolve();
			};
			ws.on('unexpected-response', (_req, res) => {
				done(new Error(`${this.name}: HTTP ${res.statusCode} on upgrade`));
				ws.terminate();
			});
			ws.on('error', (err) => {
				this.meter.errors++;
				done(err);
			});
			ws.on('close', (code) => {
				if (!this.closing) {
					this.meter.unexpectedCloses++;
					this.meter.closeCodes.set(code, (this.meter.closeCodes.get(code) ?? 0) + 1);
				}
				done(new Error(`${this.name}: closed (${code}) before sync`));
			});
			ws.on('open', () => {
				this.openedAt = performance.now();
				if (this.target.framing === 'hp') this.send(frameHpAuth(this.prefix, token ?? 'bench'));
				const sv = this.doc ? Y.encodeStateVector(this.doc) : new Uint8Array([0]);
				this.send(frameSync(this.prefix, SYNC_STEP1, sv));
			});
			ws.on('message', (data: Buffer) => {
				const m = this.meter;
				m.frames++;
				m.bytesIn += data.length + (data.length < 126 ? 2 : data.length < 65536 ? 4 : 10);
				let msg;
				try {
					msg = parseIncoming(this.target.framing, data);
				} catch {
					m.errors++;
					return;
				}
				if (msg.kind === 'sync') {
					if (msg.step === SYNC_STEP1) {
						const reply = this.doc
							? Y.encodeStateAsUpdate(this.doc, msg.payload)
							: new Uint8Array([0, 0]);
						this.send(frameSync(this.prefix, SYNC_STEP2, reply));
						return;
					}
					if (this.doc) Y.applyUpdate(this.doc, msg.payload, REMOTE);
					else if (msg.step === SYNC_UPDATE && m.active) {
						const e = editsOf(msg.payload);
						const n = e.total - (e.bySender.get(this.client.idx) ?? 0);
						if (n > 0) {
							m.deliveries += n;
							m.lastAt = performance.now();
						}
					}
					if (msg.step === SYNC_STEP2 && !this.synced) {
						this.synced = true;
						done();
					}
				} else if (msg.kind === 'auth' && !msg.ok) {
					done(new Error(`${this.name}: permission denied (${msg.detail})`));
				}
			});
		});
	}

	send(frame: Uint8Array): void {
		if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
	}

	sendEdit(tsUs = nowUs()): void {
		const content = editContent(this.client.idx, this.client.seq++, tsUs);
		if (this.doc) {
			const t = this.doc.getText(TEXT_NAME);
			this.doc.transact(() => t.insert(t.length, content), LOCAL);
			this.awState.cursor.anchor = this.awState.cursor.head = t.length;
		} else {
			this.send(frameSync(this.prefix, SYNC_UPDATE, encodeEditUpdate(this.yClient, this.clock, content, this.seedSlot)));
			this.clock += EDIT_LEN;
			this.awState.cursor.anchor = this.awState.cursor.head = this.clock;
		}
	}

	sendAwareness(): void {
		this.send(frameAwareness(this.prefix, encodeAwarenessUpdate(this.yClient, ++this.awClock, this.awState)));
	}

	/** send an update made elsewhere; a probe applies it to its own document first (servers need not echo it) */
	sendUpdate(update: Uint8Array): void {
		if (this.doc) Y.applyUpdate(this.doc, update, LOCAL);
		else this.send(frameSync(this.prefix, SYNC_UPDATE, update));
	}

	/** a sync-update frame for an update made elsewhere (burst payloads) */
	updateFrame(update: Uint8Array): Uint8Array {
		return frameSync(this.prefix, SYNC_UPDATE, update);
	}

	text(): string {
		return this.doc ? this.doc.getText(TEXT_NAME).toString() : '';
	}

	close(): void {
		this.closing = true;
		try {
			this.ws?.terminate();
		} catch {
			/* already gone */
		}
		this.doc?.destroy();
	}
}

/** open connections, at most `parallel` handshakes at a time */
export async function openAll(conns: Conn[], parallel = 48): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < conns.length) {
			const c = conns[next++];
			await c.open();
		}
	};
	await Promise.all(Array.from({ length: Math.min(parallel, conns.length) }, worker));
}
