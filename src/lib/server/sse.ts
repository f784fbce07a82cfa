/**
 * A Server-Sent Events response: the retry hint, a heartbeat every 25 s so
 * proxies keep the connection, and cleanup when the client goes away.
 * `start` subscribes to whatever feeds the stream and returns how to stop.
 */
export function eventStream(options: {
	signal: AbortSignal;
	retryMs: number;
	start: (send: (data: unknown) => void) => () => void;
}): Response {
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
			const stop = options.start((data) => write(`data: ${JSON.stringify(data)}\n\n`));
			const heartbeat = setInterval(() => write(': \n\n'), 25_000);
			cleanup = () => {
				if (closed) return;
				closed = true;
				stop();
				clearInterval(heartbeat);
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
