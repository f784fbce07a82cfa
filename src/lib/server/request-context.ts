import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request id: one per HTTP request, on every log line written while that
 * request is handled (also by domain code that logs through the runtime's
 * logger) and in the `x-request-id` response header. A proxy's own id is
 * kept when it looks sane, so its access log and Kring's lines match.
 *
 * The async context lives on globalThis: the logger is made in server/ and
 * the requests are handled in the SvelteKit bundle, which loads this module
 * separately.
 */
export const REQUEST_ID_HEADER = 'x-request-id';

const INCOMING = /^[A-Za-z0-9-]{8,64}$/;

export interface RequestContext {
	requestId: string;
}

const KEY = Symbol.for('kring.requestContext');
type Holder = { [KEY]?: AsyncLocalStorage<RequestContext> };

function storage(): AsyncLocalStorage<RequestContext> {
	const holder = globalThis as Holder;
	return (holder[KEY] ??= new AsyncLocalStorage<RequestContext>());
}

/** The incoming id when it is 8–64 letters, digits and hyphens; else a new UUID. */
export function requestIdFrom(incoming: string | null | undefined): string {
	const value = incoming?.trim();
	return value && INCOMING.test(value) ? value : randomUUID();
}

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
	return storage().run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
	return storage().getStore()?.requestId;
}

/** pino `mixin`: adds `requestId` to a line written inside a request. */
export function requestLogMixin(): { requestId?: string } {
	const requestId = currentRequestId();
	return requestId ? { requestId } : {};
}
