/**
 * One EventSource per URL per tab, shared by every component that listens to
 * it. Browsers allow only six HTTP/1.1 connections per origin, and an open
 * Server-Sent Events stream holds one for as long as the page is open: a
 * header, a plan page and a thread panel must not each hold their own.
 */
interface Shared {
	source: EventSource;
	messages: Set<(data: string) => void>;
	opens: Set<() => void>;
}

const shared = new Map<string, Shared>();

/** Listens to the stream at `url`; the returned function stops listening (and closes the stream after the last listener). */
export function listen(url: string, onMessage: (data: string) => void, onOpen?: () => void): () => void {
	if (typeof EventSource === 'undefined') return () => {};
	let entry = shared.get(url);
	if (!entry) {
		const source = new EventSource(url);
		const created: Shared = { source, messages: new Set(), opens: new Set() };
		source.onmessage = (event) => {
			for (const listener of [...created.messages]) listener(String(event.data));
		};
		source.onopen = () => {
			for (const listener of [...created.opens]) listener();
		};
		shared.set(url, created);
		entry = created;
	}
	const current = entry;
	current.messages.add(onMessage);
	if (onOpen) current.opens.add(onOpen);
	return () => {
		current.messages.delete(onMessage);
		if (onOpen) current.opens.delete(onOpen);
		if (current.messages.size === 0) {
			current.source.close();
			if (shared.get(url) === current) shared.delete(url);
		}
	};
}

/**
 * Listens to the named events `event` of the stream at `url` (`event: <name>`
 * lines), on the same shared EventSource; unnamed messages are not passed on.
 */
export function listenEvent(url: string, event: string, onEvent: (data: string) => void, onOpen?: () => void): () => void {
	const stop = listen(url, () => {}, onOpen);
	const entry = shared.get(url);
	if (!entry) return stop;
	const handler = (e: MessageEvent) => onEvent(String(e.data));
	entry.source.addEventListener(event, handler);
	return () => {
		entry.source.removeEventListener(event, handler);
		stop();
	};
}
