import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { isPostgresUrl, type DatabaseTarget } from '../src/lib/server/db.ts';

/**
 * Reads the environment once, fails fast on bad values, and returns a frozen
 * object. Every setting is listed in the README's configuration table.
 */
export interface Config {
	port: number;
	host: string;
	/** the public origin, e.g. https://kring.example.nl; null: derived per request from Host */
	origin: string | null;
	/** the SQLite file (DATABASE_PATH); used unless DATABASE_URL names a PostgreSQL database */
	databasePath: string;
	/** the database Kring runs on: DATABASE_URL (postgres://, postgresql://) wins over DATABASE_PATH */
	database: DatabaseTarget;
	/**
	 * DATABASE_SYNC=full: fsync the WAL on every commit (SQLite synchronous=FULL),
	 * so an edit that got "saved" survives a power failure or an OS crash too,
	 * not only a crash of the process; costs a disk flush per commit (one per
	 * event-loop turn with edits, not per edit). Default normal.
	 */
	databaseSyncFull: boolean;
	logLevel: string;
	sessionIdleMinutes: number;
	sessionAbsoluteHours: number;
	throttleBaseSeconds: number;
	collabMaxPayload: number;
	/** edits of one author further apart than this start a new session in a document's history */
	historySessionGapMs: number;
	demoData: boolean;
	/** audit log rows older than this many days are deleted (daily) */
	auditRetentionDays: number;
	/** smtp://user:pass@host:port; null: mail is off */
	smtpUrl: string | null;
	mailFrom: string;
	/** bearer token for /metrics; null: /metrics answers 404 */
	metricsToken: string | null;
	/** Contact of /.well-known/security.txt (mailto:, https: or tel: URI); null: no security.txt */
	securityContact: string | null;
	/** e-mail address on /toegankelijkheid and /privacy for questions; null: they point to the region's administrator */
	contactEmail: string | null;
	/** NODE_ID: this node's name among several on one PostgreSQL database (default: host name and port) */
	nodeId: string;
	/** NODE_URL: where the other nodes reach this one's /collab/ (default http://127.0.0.1:PORT, one machine) */
	nodeUrl: string;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min || value > max) {
		throw new Error(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
	}
	return value;
}

function smtpUrl(raw: string | undefined): string | null {
	const value = raw?.trim();
	if (!value) return null;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new Error('SMTP_URL must be a URL such as smtp://user:pass@host:587');
	}
	if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://');
	return value;
}

function metricsToken(raw: string | undefined): string | null {
	const value = raw?.trim();
	if (!value) return null;
	if (!/^[\x21-\x7e]{16,256}$/.test(value)) throw new Error('METRICS_TOKEN must be 16 to 256 visible ASCII characters without spaces');
	return value;
}

function securityContact(raw: string | undefined): string | null {
	const value = raw?.trim();
	if (!value) return null;
	// a bare e-mail address becomes a mailto: URI (RFC 9116 wants a URI)
	if (/^[^\s@:/]+@[^\s@/]+\.[^\s@/]+$/.test(value)) return `mailto:${value}`;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new Error('SECURITY_CONTACT must be an e-mail address or a mailto:, https: or tel: URI');
	}
	if (!['mailto:', 'https:', 'tel:'].includes(url.protocol) || /[\s\r\n]/.test(value)) {
		throw new Error('SECURITY_CONTACT must be an e-mail address or a mailto:, https: or tel: URI');
	}
	return value;
}

function contactEmail(raw: string | undefined): string | null {
	const value = raw?.trim();
	if (!value) return null;
	if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(value) || value.length > 254) throw new Error(`CONTACT_EMAIL must be an e-mail address, got "${value}"`);
	return value;
}

function databaseTarget(url: string | undefined, path: string): DatabaseTarget {
	const value = url?.trim();
	if (!value) return { dialect: 'sqlite', path };
	if (!isPostgresUrl(value)) throw new Error('DATABASE_URL must start with postgres:// or postgresql:// (leave it unset to use SQLite at DATABASE_PATH)');
	return { dialect: 'postgres', url: value };
}

function databaseSync(raw: string | undefined): boolean {
	const value = raw?.trim().toLowerCase();
	if (!value || value === 'normal') return false;
	if (value === 'full') return true;
	throw new Error(`DATABASE_SYNC must be "normal" or "full", got "${raw}"`);
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
	const origin = env.ORIGIN?.trim() || null;
	if (origin !== null) {
		let url: URL;
		try {
			url = new URL(origin);
		} catch {
			throw new Error(`ORIGIN must be a URL such as https://kring.example.nl, got "${origin}"`);
		}
		if (url.origin !== origin.replace(/\/$/, '')) throw new Error(`ORIGIN must be an origin without a path, got "${origin}"`);
	}
	const databasePath = resolve(env.DATABASE_PATH?.trim() || 'data/kring.db');
	const port = int(env, 'PORT', 3000, 0, 65535);
	return Object.freeze({
		port,
		host: env.HOST?.trim() || '0.0.0.0',
		origin: origin?.replace(/\/$/, '') ?? null,
		databasePath,
		database: Object.freeze(databaseTarget(env.DATABASE_URL, databasePath)),
		databaseSyncFull: databaseSync(env.DATABASE_SYNC),
		logLevel: env.LOG_LEVEL?.trim() || 'info',
		sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 12 * 60, 1, 60 * 24 * 30),
		sessionAbsoluteHours: int(env, 'SESSION_ABSOLUTE_HOURS', 7 * 24, 1, 24 * 365),
		throttleBaseSeconds: int(env, 'LOGIN_THROTTLE_BASE_SECONDS', 2, 0.05, 3600),
		collabMaxPayload: int(env, 'COLLAB_MAX_PAYLOAD', 1024 * 1024, 1024, 64 * 1024 * 1024),
		historySessionGapMs: int(env, 'HISTORY_SESSION_GAP_MS', 5 * 60_000, 100, 24 * 60 * 60_000),
		demoData: env.DEMO_DATA !== 'false',
		auditRetentionDays: int(env, 'AUDIT_RETENTION_DAYS', 730, 1, 36_500),
		smtpUrl: smtpUrl(env.SMTP_URL),
		mailFrom: env.MAIL_FROM?.trim() || 'Kring <kring@localhost>',
		metricsToken: metricsToken(env.METRICS_TOKEN),
		securityContact: securityContact(env.SECURITY_CONTACT),
		contactEmail: contactEmail(env.CONTACT_EMAIL),
		nodeId: nodeId(env.NODE_ID, port),
		nodeUrl: nodeUrl(env.NODE_URL, port)
	});
}

function nodeId(raw: string | undefined, port: number): string {
	const value = raw?.trim() || `${hostname()}-${port}`;
	if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) throw new Error(`NODE_ID must be 1 to 64 letters, digits, dots, dashes or underscores, got "${raw}"`);
	return value;
}

function nodeUrl(raw: string | undefined, port: number): string {
	const value = raw?.trim() || `http://127.0.0.1:${port}`;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new Error(`NODE_URL must be a URL such as http://10.0.0.5:3000, got "${raw}"`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`NODE_URL must start with http:// or https://, got "${raw}"`);
	return url.origin;
}
