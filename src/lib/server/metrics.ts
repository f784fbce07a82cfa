import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createHash, timingSafeEqual } from 'node:crypto';
import { isDraining } from './readiness.ts';
import { getRuntime } from './runtime.ts';
import { openStreamCount } from './sse.ts';

/**
 * Prometheus metrics, served at /metrics (src/routes/metrics/+server.ts) when
 * METRICS_TOKEN is set. One registry for the process: server/ (the collab
 * server) and the SvelteKit bundle load this module separately, so the
 * registry and its metrics travel through globalThis, created once.
 *
 * Labels stay bounded: HTTP requests are labelled by SvelteKit route id
 * (`/plannen/[planId]`), never by the path, which can carry ids and tokens.
 */
export interface KringMetrics {
	registry: Registry;
	httpDuration: Histogram<'method' | 'route' | 'status'>;
	collabCommit: Histogram;
	collabBroadcast: Histogram;
	collabClose: Counter<'code' | 'reason'>;
	loginThrottled: Counter;
}

const KEY = Symbol.for('kring.metrics');
type Holder = { [KEY]?: KringMetrics };

/** The collab server's counts through the runtime; zero before it started (unit tests). */
function collabStats(): { documents: number; connections: number } {
	try {
		return getRuntime().collabStats();
	} catch {
		return { documents: 0, connections: 0 };
	}
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function create(): KringMetrics {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry });
	new Gauge({
		name: 'kring_collab_connections',
		help: 'Open collaboration sockets (/collab/)',
		registers: [registry],
		collect() {
			this.set(collabStats().connections);
		}
	});
	new Gauge({
		name: 'kring_collab_documents',
		help: 'Collaborative documents loaded in memory',
		registers: [registry],
		collect() {
			this.set(collabStats().documents);
		}
	});
	new Gauge({
		name: 'kring_event_streams',
		help: 'Open event streams (Server-Sent Events subscribers)',
		registers: [registry],
		collect() {
			this.set(openStreamCount());
		}
	});
	new Gauge({
		name: 'kring_draining',
		help: '1 while the process shuts down (SIGTERM) and /readyz answers 503',
		registers: [registry],
		collect() {
			this.set(isDraining() ? 1 : 0);
		}
	});
	return {
		registry,
		httpDuration: new Histogram({
			name: 'kring_http_request_duration_seconds',
			help: 'Time until the response starts, by SvelteKit route id (event streams: until the stream opens)',
			labelNames: ['method', 'route', 'status'],
			buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
			registers: [registry]
		}),
		collabCommit: new Histogram({
			name: 'kring_collab_commit_duration_seconds',
			help: 'One SQLite transaction committing the accepted updates of a flush',
			buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
			registers: [registry]
		}),
		collabBroadcast: new Histogram({
			name: 'kring_collab_broadcast_duration_seconds',
			help: "Sending one flush's update, acknowledgements and presence to a document's sockets",
			buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
			registers: [registry]
		}),
		collabClose: new Counter({
			name: 'kring_collab_close_total',
			help: 'Collaboration sockets the server closed, by close code and its name (docs/collab.md)',
			labelNames: ['code', 'reason'],
			registers: [registry]
		}),
		loginThrottled: new Counter({
			name: 'kring_login_throttled_total',
			help: 'Sign-in attempts refused by the login throttle (429)',
			registers: [registry]
		})
	};
}

export function metrics(): KringMetrics {
	const holder = globalThis as Holder;
	return (holder[KEY] ??= create());
}

export function observeRequest(method: string, routeId: string | null, status: number, seconds: number): void {
	metrics().httpDuration.observe(
		{ method: METHODS.has(method) ? method : 'other', route: routeId ?? 'unmatched', status: String(status) },
		seconds
	);
}

/**
 * Whether an Authorization header carries the token, compared in constant
 * time (both sides hashed first, so their lengths say nothing either).
 */
export function metricsAuthorized(header: string | null, token: string): boolean {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	const given = createHash('sha256').update(match?.[1] ?? '').digest();
	const wanted = createHash('sha256').update(token).digest();
	return timingSafeEqual(given, wanted) && match !== null;
}

/** The Prometheus text exposition of every metric. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
	const { registry } = metrics();
	return { body: await registry.metrics(), contentType: registry.contentType };
}
