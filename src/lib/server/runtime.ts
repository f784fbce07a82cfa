import type { Logger } from 'pino';
import type { Db } from './db.ts';
import type { SessionPolicy } from './session.ts';
import type { ThrottlePolicy } from './throttle.ts';

/**
 * What the composition root (server/index.ts, or the Vite dev plugin) builds
 * once and the SvelteKit app uses. The app is bundled separately from
 * server/, so module-level singletons would exist twice; the one shared
 * instance travels through globalThis instead.
 */
export interface Runtime {
	db: Db;
	logger: Logger;
	sessionPolicy: SessionPolicy;
	throttle: { account: ThrottlePolicy; address: ThrottlePolicy };
	/** Outgoing e-mail (SMTP_URL); `enabled` false when mail is off. See src/lib/server/mail.ts for the contract. */
	mailer: import('./mail.ts').Mailer;
	/** ORIGIN when configured (e.g. https://kring.example.nl), for links in e-mail; null: derive from the request. */
	publicOrigin: string | null;
	/** Re-checks a user's open collaboration sockets (after logout, password or rights change). */
	recheckUser(userId: string): void;
	/** Changes a collaborative document on the server, through the same persist-then-broadcast path as clients. */
	changeDocument(
		name: string,
		fn: (doc: import('yjs').Doc) => void,
		/** `author`: the user it is done for, in the document's history; `newSession`: the change starts a new session (a restore) */
		options?: { author?: string; newSession?: boolean }
	): Promise<void>;
	/** Stores the first state of a new document (nobody has it open yet). */
	createDocument(name: string, update: Uint8Array): void | Promise<void>;
	/** The full Yjs state of a document as an update (loaded or from storage), e.g. to freeze a plan version. */
	readDocument(name: string): Promise<Uint8Array>;
	/** Operations (/readyz, /metrics, /.well-known/security.txt, /privacy): see src/lib/server/readiness.ts and metrics.ts. */
	ops: {
		/** the migrations folder of this code, compared with the applied migrations by /readyz */
		migrationsDir: string;
		/** METRICS_TOKEN; null: /metrics is off (404) */
		metricsToken: string | null;
		/** SECURITY_CONTACT (mailto: or https: URL); null: no security.txt (404) */
		securityContact: string | null;
		/** CONTACT_EMAIL, shown on /toegankelijkheid and /privacy; null: not configured */
		contactEmail: string | null;
		auditRetentionDays: number;
	};
	/**
	 * Who holds a socket on each loaded document of a plan (the plan page's "nu bezig", see plan-presence.ts):
	 * this node's sockets, and with several nodes also those of the others (server/collab/presence-pg.ts).
	 */
	collabPresence(planId: string): import('./plan-presence.ts').DocumentPresence[] | Promise<import('./plan-presence.ts').DocumentPresence[]>;
	/** Open collaboration sockets and loaded documents, for /metrics. */
	collabStats(): { documents: number; connections: number };
}

const KEY = Symbol.for('kring.runtime');
type Holder = { [KEY]?: Runtime };

export function setRuntime(runtime: Runtime): void {
	(globalThis as Holder)[KEY] = runtime;
}

export function getRuntime(): Runtime {
	const runtime = (globalThis as Holder)[KEY];
	if (!runtime) throw new Error('Kring runtime not initialised: start through server/index.ts or vite dev');
	return runtime;
}
