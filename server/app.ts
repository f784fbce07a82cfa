import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import * as Y from 'yjs';
import { openDatabase, openPostgres, type DatabaseHandle, type OpenedDatabase, type OpenedPostgres } from '../src/lib/server/db.ts';
import { isEmpty, seedDemo } from '../src/lib/server/demo.ts';
import { migrateToLatest } from '../src/lib/server/migrate.ts';
import { emitRelayed, publishInboxChanges, publishPlanChange, publishPresenceChange, setEventRelay } from '../src/lib/server/events.ts';
import { projectDocument } from '../src/lib/server/projection.ts';
import { pruneAuditLog } from '../src/lib/server/audit.ts';
import { deleteExpiredSessions } from '../src/lib/server/session.ts';
import { pruneThrottle } from '../src/lib/server/throttle.ts';
import { sendDeadlineReminders } from '../src/lib/server/reminder.ts';
import { startDueRounds } from '../src/lib/server/checkin.ts';
import { closeAllStreams, recheckStreams } from '../src/lib/server/sse.ts';
import { sendNotificationMails } from '../src/lib/server/notification-mail.ts';
import { metrics } from '../src/lib/server/metrics.ts';
import { requestLogMixin } from '../src/lib/server/request-context.ts';
import { createMailer } from '../src/lib/server/mail.ts';
import { setRuntime, type Runtime } from '../src/lib/server/runtime.ts';
import { prepareFirstStart, setupBaseUrl, setupUrl } from '../src/lib/server/setup.ts';
import { createCollabServer } from './collab/index.ts';
import { joinCluster, type Cluster } from './collab/cluster.ts';
import { clusterPresence } from './collab/presence-pg.ts';
import { writeInitialStateDb } from './collab/document-store.ts';
import { recheckQueries, type RecheckSource } from './collab/recheck.ts';
import { postgresRecheck } from './collab/recheck-pg.ts';
import { writeInitialState } from './collab/store.ts';
import type { Config } from './config.ts';
import { assertRoomToStart, explainStorageFailure, freeBytes, LOW_FREE_BYTES, StartupError } from './startup-storage.ts';
import { checkHealth } from '../src/lib/server/health.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
export const DEMO_DIR = fileURLToPath(new URL('./demo', import.meta.url));
const REMINDER_SWEEP_MS = 15 * 60_000;
const STREAM_SWEEP_MS = 3000;
const NOTIFICATION_MAIL_SWEEP_MS = 60_000;
const AUDIT_PRUNE_MS = 24 * 3_600_000;

export interface Kring {
	runtime: Runtime;
	database: DatabaseHandle;
	logger: Logger;
	/** Handles WebSocket upgrades under /collab/; destroys anything else. */
	handleUpgrade(req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void;
	close(): Promise<void>;
}

/**
 * Opens and migrates the database and proves it can be written (a read-only
 * or full disk opens fine and fails on the first edit). A failure a host can
 * fix becomes a StartupError with one sentence saying what to do.
 */
async function openStorage(databasePath: string, logger: Logger) {
	assertRoomToStart(databasePath);
	let database: OpenedDatabase | undefined;
	try {
		database = openDatabase(databasePath);
		const migrations = await migrateToLatest(database.db, MIGRATIONS_DIR);
		const health = await checkHealth(database.db);
		if (!health.ok) throw Object.assign(new Error('the start-up write probe failed'), { code: health.code });
		const free = freeBytes(databasePath);
		if (free !== null && free < LOW_FREE_BYTES) logger.warn({ event: 'disk_low', freeBytes: free }, 'little free space on the database disk');
		return { database, migrations };
	} catch (err) {
		try {
			database?.sqlite.close();
		} catch {
			// the handle may not have opened at all
		}
		const explained = explainStorageFailure(err, databasePath);
		throw explained ? new StartupError(explained, { cause: err }) : err;
	}
}

/** PostgreSQL: connects, migrates and proves it can write; a failure a host can fix says what to do. */
async function openPostgresStorage(url: string): Promise<{ database: OpenedPostgres; migrations: Awaited<ReturnType<typeof migrateToLatest>> }> {
	const database = openPostgres(url);
	try {
		const migrations = await migrateToLatest(database.db, MIGRATIONS_DIR);
		const health = await checkHealth(database.db);
		if (!health.ok) throw Object.assign(new Error('the start-up write probe failed'), { code: health.code });
		return { database, migrations };
	} catch (err) {
		await database.db.destroy().catch(() => {});
		const code = (err as { code?: string }).code;
		const hint =
			code === 'ECONNREFUSED' || code === 'ENOENT'
				? 'no PostgreSQL server answers at DATABASE_URL: start it, or correct the host, port or socket folder'
				: code === '28P01' || code === '28000'
					? 'PostgreSQL refused the user or password in DATABASE_URL'
					: code === '3D000'
						? 'the database named in DATABASE_URL does not exist: create it (createdb) first'
						: null;
		throw hint ? new StartupError(hint, { cause: err }) : err;
	}
}

/**
 * Live events (plan changes, inboxes, evaluation votes) reach the event
 * streams of every node: each one published here goes to the others as a
 * cluster message. One too large for a message goes without its optional
 * detail (a session patch, a status): the screens then reload what changed.
 */
function relayEvents(cluster: Cluster, logger: Logger): void {
	const send = async (event: string, payload: unknown) => {
		if (await cluster.send('*', { kind: 'event', event, payload })) return;
		const { review: _review, status: _status, ...lean } = (payload ?? {}) as Record<string, unknown>;
		if (!(await cluster.send('*', { kind: 'event', event, payload: lean }))) logger.warn({ event }, 'event too large for the other nodes');
	};
	setEventRelay((event, payload) => void send(event, payload).catch((err: unknown) => logger.warn({ err, event }, 'event not relayed')));
	cluster.onMessage((message) => {
		if (message.kind === 'event' && typeof message.event === 'string') emitRelayed(message.event, message.payload);
	});
}

export function createLogger(level: string): Logger {
	return pino({
		level,
		base: { app: 'kring' },
		// the request id on every line written while a request is handled (src/hooks.server.ts)
		mixin: requestLogMixin,
		// Defence in depth: these never belong in a log line.
		redact: { paths: ['password', '*.password', 'token', '*.token', 'cookie', '*.cookie', 'headers.cookie'], censor: '[weg]' }
	});
}

/**
 * Opens the database, migrates it, fills it with demo data when empty, and
 * publishes the runtime the SvelteKit app reads. Used by server/index.ts and
 * by the Vite dev server, so both run the same composition.
 */
export async function startKring(config: Readonly<Config>, logger = createLogger(config.logLevel)): Promise<Kring> {
	const target = config.database;
	const { database, migrations } =
		target.dialect === 'postgres' ? await openPostgresStorage(target.url) : await openStorage(config.databasePath, logger);
	const { db } = database;
	const sqlite = database.dialect === 'sqlite' ? database.sqlite : undefined;
	if (sqlite && config.databaseSyncFull) sqlite.pragma('synchronous = FULL'); // DATABASE_SYNC=full, see docs/collab.md "Durability"
	for (const m of migrations.results ?? []) logger.info({ migration: m.migrationName, status: m.status }, 'migration');
	const createDocument = sqlite
		? (name: string, update: Uint8Array) => void writeInitialState(sqlite, name, update)
		: async (name: string, update: Uint8Array) => void (await writeInitialStateDb(db, name, update));
	if (config.demoData && (await isEmpty(db))) {
		// One transaction: a failed first start leaves an empty database that the next start fills again.
		// On SQLite the documents are written on the same connection, inside it.
		await db
			.transaction()
			.execute((trx) => seedDemo(trx, DEMO_DIR, sqlite ? createDocument : async (name, update) => void (await writeInitialStateDb(trx, name, update))));
		logger.info('demo data loaded');
	}
	// what rights depend on, and whether it changed: the socket and event-stream sweeps ask it
	const rights: RecheckSource & { close?(): Promise<void> } =
		database.dialect === 'postgres' && target.dialect === 'postgres'
			? postgresRecheck(database.pool, target.url, logger.child({ part: 'collab' }))
			: recheckQueries(sqlite!);
	// PostgreSQL: this process is a node of a cluster (one or more nodes on the database, docs/scaling.md)
	const cluster =
		database.dialect === 'postgres' && target.dialect === 'postgres'
			? await joinCluster({ connectionString: target.url, pool: database.pool, nodeId: config.nodeId, nodeUrl: config.nodeUrl, log: logger.child({ part: 'cluster' }) })
			: undefined;
	if (cluster) {
		logger.info({ node: cluster.nodeId, url: config.nodeUrl }, 'cluster node joined');
		relayEvents(cluster, logger);
	}
	// No account yet (DEMO_DATA=false): a one-time link that creates the first instance admin.
	// The link is the way in, so it is logged on purpose — once, at start (see src/lib/server/setup.ts).
	const setupToken = await prepareFirstStart(db);
	if (setupToken) {
		const setupLink = setupUrl(setupBaseUrl(config), setupToken);
		logger.warn({ event: 'setup_link', setupLink }, `No accounts yet: open ${setupLink} to create the first admin (one-time link)`);
	}
	const sessionPolicy = {
		idleTimeoutMs: config.sessionIdleMinutes * 60_000,
		absoluteTimeoutMs: config.sessionAbsoluteHours * 3_600_000
	};
	const collab = createCollabServer({
		db,
		sqlite,
		postgres: database.dialect === 'postgres' ? database.pool : undefined,
		rights,
		cluster,
		logger: logger.child({ part: 'collab' }),
		origin: config.origin,
		sessionPolicy,
		maxPayload: config.collabMaxPayload,
		historySessionGapMs: config.historySessionGapMs,
		// several nodes: written for the others first (presence-pg.ts), then announced
		onPresenceChange: (planId) => (presence ? presence.changed(planId) : publishPresenceChange(planId)),
		observe: {
			commit: (seconds) => metrics().collabCommit.observe(seconds),
			broadcast: (seconds) => metrics().collabBroadcast.observe(seconds),
			close: (code, reason) => metrics().collabClose.inc({ code: String(code), reason })
		},
		async onDocumentChange(_name, doc, resource) {
			// a projection that wrote nothing (cursor moves, an edit undone) tells no screen
			if ((await projectDocument(db, resource.ref, resource.planId, doc)) === 'unchanged') return;
			publishPlanChange({ planId: resource.planId, kind: resource.ref.kind, id: resource.ref.id });
		}
	});
	const presence =
		cluster && database.dialect === 'postgres'
			? await clusterPresence({
					pool: database.pool,
					nodeId: cluster.nodeId,
					local: (planId) => collab.present(planId),
					announce: publishPresenceChange,
					log: logger.child({ part: 'collab' })
				})
			: undefined;

	const runtime: Runtime = {
		db,
		logger,
		sessionPolicy,
		throttle: {
			account: { freeFailures: 5, baseDelayMs: config.throttleBaseSeconds * 1000, maxDelayMs: 15 * 60_000, maxChecksPerHour: 100 },
			address: { freeFailures: 50, baseDelayMs: config.throttleBaseSeconds * 1000, maxDelayMs: 15 * 60_000, maxChecksPerHour: 1000 }
		},
		mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger: logger.child({ part: 'mail' }) }),
		publicOrigin: config.origin,
		recheckUser: (userId) => {
			collab.recheckUser(userId);
			recheckStreams(db, userId).catch((err: unknown) => logger.error({ err }, 'event stream recheck failed'));
		},
		changeDocument: (name, fn, options) => collab.change(name, fn, { origin: 'server', ...options }),
		createDocument,
		async readDocument(name) {
			const d = await collab.readDocument(name);
			try {
				return Y.encodeStateAsUpdate(d);
			} finally {
				d.destroy();
			}
		},
		ops: {
			migrationsDir: MIGRATIONS_DIR,
			metricsToken: config.metricsToken,
			securityContact: config.securityContact,
			contactEmail: config.contactEmail,
			auditRetentionDays: config.auditRetentionDays
		},
		collabStats: () => collab.stats(),
		collabPresence: (planId) => (presence ? presence.read(planId) : collab.present(planId))
	};
	setRuntime(runtime);

	// Reminders before an evaluation's preparation deadline: at start and every REMINDER_SWEEP_MS.
	const sweepReminders = async () => {
		try {
			for (const sent of await sendDeadlineReminders(db)) {
				publishInboxChanges(sent.userIds);
				logger.info({ event: 'review_deadline_reminders', cycle: sent.cycleId, recipients: sent.userIds.length }, 'deadline reminders sent');
			}
		} catch (err) {
			logger.error({ err }, 'deadline reminder sweep failed');
		}
		// ambassador check-ins: a plan's rhythm starts each period's round
		try {
			const asked = await startDueRounds(db);
			if (asked.length) {
				publishInboxChanges(asked);
				logger.info({ event: 'checkin_rounds', recipients: asked.length }, 'check-in rounds started');
			}
		} catch (err) {
			logger.error({ err }, 'check-in round sweep failed');
		}
	};
	void sweepReminders();
	// Event streams whose session expired (or whose right went without a recheckUser) close within STREAM_SWEEP_MS.
	// Rights are re-checked only when something they depend on changed since the last sweep (as the socket sweep does).
	const rightsGeneration = rights;
	let lastStreamGeneration: string | null = null;
	let streamSweeping = false;
	const streamTimer = setInterval(() => {
		if (streamSweeping) return;
		let rights = true;
		try {
			const generation = rightsGeneration.generation();
			rights = generation !== lastStreamGeneration;
			lastStreamGeneration = generation;
		} catch (err) {
			logger.error({ err }, 'event stream sweep: rights generation unreadable');
		}
		streamSweeping = true;
		recheckStreams(db, undefined, Date.now(), rights)
			.catch((err: unknown) => logger.error({ err }, 'event stream sweep failed'))
			.finally(() => {
				streamSweeping = false;
			});
	}, STREAM_SWEEP_MS);
	streamTimer.unref();
	// Notification mails (immediate, daily digest): a sweep every minute while mail is on.
	const sweepNotificationMails = async () => {
		try {
			const sent = await sendNotificationMails(db, { mailer: runtime.mailer, baseUrl: setupBaseUrl(config) });
			if (sent > 0) logger.info({ event: 'notification_mails', sent }, 'notification mails sent');
		} catch (err) {
			logger.error({ err }, 'notification mail sweep failed');
		}
	};
	const mailTimer = setInterval(() => void sweepNotificationMails(), NOTIFICATION_MAIL_SWEEP_MS);
	mailTimer.unref();
	const reminderTimer = setInterval(() => void sweepReminders(), REMINDER_SWEEP_MS);
	reminderTimer.unref();

	// Audit log retention (AUDIT_RETENTION_DAYS): at start and once a day.
	const pruneAudit = async () => {
		try {
			const deleted = await pruneAuditLog(db, config.auditRetentionDays);
			if (deleted > 0) logger.info({ event: 'audit_log_pruned', deleted, retentionDays: config.auditRetentionDays }, 'audit log pruned');
		} catch (err) {
			logger.error({ err }, 'audit log pruning failed');
		}
		await pruneThrottle(db).catch((err: unknown) => logger.error({ err }, 'login throttle cleanup failed'));
		// expired sessions are refused anyway; their rows go too (the privacy page says so)
		await deleteExpiredSessions(db).catch((err: unknown) => logger.error({ err }, 'expired session cleanup failed'));
	};
	void pruneAudit();
	const auditTimer = setInterval(() => void pruneAudit(), AUDIT_PRUNE_MS);
	auditTimer.unref();

	return {
		runtime,
		database,
		logger,
		handleUpgrade(req, socket, head) {
			collab.handleUpgrade(req, socket, head);
		},
		async close() {
			clearInterval(reminderTimer);
			clearInterval(streamTimer);
			clearInterval(mailTimer);
			closeAllStreams();
			clearInterval(auditTimer);
			await collab.close();
			await presence?.close();
			if (cluster) setEventRelay(null);
			await cluster?.close();
			await rights.close?.();
			await db.destroy();
		}
	};
}
