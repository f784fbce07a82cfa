import type { Db } from './db.ts';
import { isDraining } from './readiness.ts';

/**
 * Server-Sent Events responses: the retry hint, a heartbeat every 25 s so
 * proxies keep the connection, and cleanup when the client goes away.
 * `start` subscribes to whatever feeds the stream and returns how to stop.
 *
 * Every open stream is registered under its owner (user and session), so a
 * stream never outlives the session or the right it was opened with: logout,
 * a password change or a lost role closes it at once (recheckStreams for that
 * user, called through the runtime's recheckUser), and a sweep every few
 * seconds closes streams whose session expired. Limits per user and per
 * session leave room for many tabs, not for a script holding hundreds.
 */
export interface StreamOwner {
	userId: string;
	sessionId: string;
	/** whether the user may still receive this stream (e.g. still reads the plan) */
	stillAllowed: () => Promise<boolean>;
}

interface OpenStream {
	owner: StreamOwner;
	close: () => void;
}

export const STREAM_LIMITS = { perUser: 32, perSession: 16 } as const;

const KEY = Symbol.for('kring.eventStreams');
type Holder = { [KEY]?: Map<string, Set<OpenStream>> };

function registry(): Map<string, Set<OpenStream>> {
	const holder = globalThis as Holder;
	return (holder[KEY] ??= new Map());
}

function register(stream: OpenStream): () => void {
	const all = registry();
	let mine = all.get(stream.owner.userId);
	if (!mine) all.set(stream.owner.userId, (mine = new Set()));
	mine.add(stream);
	return () => {
		mine.delete(stream);
		if (mine.size === 0 && all.get(stream.owner.userId) === mine) all.delete(stream.owner.userId);
	};
}

/** Number of open streams, for health checks and tests. */
export function openStreamCount(userId?: string): number {
	if (userId) return registry().get(userId)?.size ?? 0;
	let n = 0;
	for (const set of registry().values()) n += set.size;
	return n;
}

/** a re-check yields to the event loop after this much synchronous work, ms */
const RECHECK_SLICE_MS = 1;

/**
 * Re-checks open streams (of one user, or all): the session must still exist
 * and be unexpired, and the owner's right must still hold. Closes the rest.
 * `rights` false (the periodic sweep, when nothing rights depend on changed
 * since its last run) checks the sessions only. The rights checks run one
 * stream after another and yield to the event loop every
 * RECHECK_SLICE_MS, so a sweep over many streams never stalls edits.
 */
export async function recheckStreams(db: Db, userId?: string, now = Date.now(), rights = true): Promise<number> {
	const streams = userId ? [...(registry().get(userId) ?? [])] : [...registry().values()].flatMap((s) => [...s]);
	if (streams.length === 0) return 0;
	const sessionIds = [...new Set(streams.map((s) => s.owner.sessionId))];
	const alive = new Set<string>();
	for (let i = 0; i < sessionIds.length; i += 500) {
		const rows = await db
			.selectFrom('sessions')
			.select('id')
			.where('id', 'in', sessionIds.slice(i, i + 500))
			.where('expires_at', '>', now)
			.where('absolute_expires_at', '>', now)
			.execute();
		for (const row of rows) alive.add(row.id);
	}
	let closed = 0;
	let sliceStart = performance.now();
	for (const stream of streams) {
		let keep = alive.has(stream.owner.sessionId);
		if (keep && rights) {
			try {
				keep = await stream.owner.stillAllowed();
			} catch {
				keep = false;
			}
			if (performance.now() - sliceStart > RECHECK_SLICE_MS) {
				await new Promise((resolve) => setImmediate(resolve));
				sliceStart = performance.now();
			}
		}
		if (!keep) {
			stream.close();
			closed++;
		}
	}
	return closed;
}

/** Shutdown: every stream ends now (clients reconnect to the next process). */
export function closeAllStreams(): void {
	for (const set of [...registry().values()]) for (const stream of [...set]) stream.close();
}

/** Whether the owner may open one more stream. */
export function streamAllowed(owner: Pick<StreamOwner, 'userId' | 'sessionId'>): boolean {
	const mine = registry().get(owner.userId);
	if (!mine) return true;
	if (mine.size >= STREAM_LIMITS.perUser) return false;
	let sameSession = 0;
	for (const s of mine) if (s.owner.sessionId === owner.sessionId) sameSession++;
	return sameSession < STREAM_LIMITS.perSession;
}

export function eventStream(options: {
	signal: AbortSignal;
	retryMs: number;
	owner: StreamOwner;
	/** `send` writes an unnamed event (EventSource's onmessage); `sendEvent` a named one, which only listeners of that name hear */
	start: (send: (data: unknown) => void, sendEvent: (event: string, data: unknown) => void) => () => void;
}): Response {
	if (isDraining()) {
		// Shutting down: a stream that ends at once, so the EventSource retries (a
		// 503 would stop it for good) and reaches the next process.
		return new Response(`retry: ${options.retryMs}\n\n`, {
			headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'close' }
		});
	}
	if (!streamAllowed(options.owner)) {
		return new Response(JSON.stringify({ message: 'Je hebt te veel vensters met Kring open. Sluit er een paar en probeer het opnieuw.' }), {
			status: 429,
			headers: { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '30' }
		});
	}
	const encoder = new TextEncoder();
	let cleanup = () => {};
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			let closed = false;
			const write = (text: string) => {
				if (closed) return;
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					cleanup();
				}
			};
			write(`retry: ${options.retryMs}\n\n`);
			const stop = options.start(
				(data) => write(`data: ${JSON.stringify(data)}\n\n`),
				(event, data) => {
					if (/^[a-z][a-z-]{0,39}$/.test(event)) write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
				}
			);
			const heartbeat = setInterval(() => write(': \n\n'), 25_000);
			const unregister = register({
				owner: options.owner,
				close: () => {
					cleanup();
					try {
						controller.close();
					} catch {
						/* already closed */
					}
				}
			});
			cleanup = () => {
				if (closed) return;
				closed = true;
				stop();
				clearInterval(heartbeat);
				unregister();
			};
			options.signal.addEventListener('abort', () => {
				cleanup();
				try {
					controller.close();
				} catch {
					/* already closed */
				}
			});
		},
		cancel() {
			cleanup();
		}
	});
	return new Response(stream, {
		headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' }
	});
}
