import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgres, type OpenedPostgres } from '../../src/lib/server/db.ts';
import { migrateToLatest } from '../../src/lib/server/migrate.ts';
import { MIGRATIONS_DIR } from '../../src/lib/server/test-db.ts';

/**
 * A real, throw-away PostgreSQL server for tests (issue 18): `initdb` into a
 * temporary folder, `postgres` listening on a unix socket in that folder only
 * (no TCP port, so parallel test files cannot collide), fsync off. PostgreSQL
 * refuses to run as root; as root the server runs as the `postgres` account
 * (Debian's package makes it), otherwise as the current user.
 */

const BIN_DIRS = [process.env.KRING_PG_BIN, '/usr/lib/postgresql/15/bin'].filter((d): d is string => !!d);
const SUPERUSER = 'kring';
const START_TIMEOUT_MS = 20_000;

/** The folder with initdb and postgres, or null when PostgreSQL is not installed here. */
export function postgresBinDir(): string | null {
	return BIN_DIRS.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) ?? null;
}

/** Why PostgreSQL tests cannot run here, or null when they can. For `describe.skipIf`. */
export function postgresSkipReason(): string | null {
	return postgresBinDir() ? null : `PostgreSQL binaries not found in ${BIN_DIRS.join(' or ')} (set KRING_PG_BIN to the folder with initdb and postgres)`;
}

export interface TestPostgres {
	/** a URL for `database` on this server, through its socket */
	url(database: string): string;
	/** creates a fresh, empty database and returns its URL */
	createDatabase(name?: string): Promise<string>;
	/** stops the server and removes its folder */
	stop(): Promise<void>;
}

/** As root: the uid and gid of the `postgres` account, which the server runs as. */
function serverAccount(): { uid: number; gid: number } | null {
	if (process.getuid?.() !== 0) return null;
	try {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		return { uid, gid };
	} catch {
		throw new Error('PostgreSQL does not run as root and there is no `postgres` account to run it as; run the tests as another user');
	}
}

/** Runs `file` as the server account (setpriv execs it, so signals reach postgres itself). */
function command(account: { uid: number; gid: number } | null, file: string, args: string[]): [string, string[]] {
	if (!account) return [file, args];
	return ['setpriv', [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--', file, ...args]];
}

async function waitForConnections(url: string, server: ChildProcess, log: () => string): Promise<void> {
	const deadline = Date.now() + START_TIMEOUT_MS;
	for (;;) {
		if (server.exitCode !== null) throw new Error(`postgres exited with code ${server.exitCode}: ${log()}`);
		const client = new pg.Client({ connectionString: url });
		try {
			await client.connect();
			await client.query('select 1');
			return;
		} catch (err) {
			if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${START_TIMEOUT_MS} ms: ${log()}`, { cause: err });
		} finally {
			await client.end().catch(() => {});
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

export interface StartOptions {
	/**
	 * A host's settings: fsync, synchronous_commit and full_page_writes on (a
	 * commit waits for its WAL flush). Default off: tests need no durability.
	 */
	durable?: boolean;
	/** run the server on these CPUs (taskset -c), e.g. '0' for a benchmark */
	cpus?: string;
}

export async function startPostgres(options: StartOptions = {}): Promise<TestPostgres> {
	const bin = postgresBinDir();
	if (!bin) throw new Error(postgresSkipReason() ?? 'no PostgreSQL');
	const account = serverAccount();
	const root = mkdtempSync(join(tmpdir(), 'kring-pg-'));
	const data = join(root, 'data');
	const socket = join(root, 'sock');
	mkdirSync(socket);
	if (account) for (const dir of [root, socket]) chownSync(dir, account.uid, account.gid);

	const [initdb, initArgs] = command(account, join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
	try {
		execFileSync(initdb, initArgs, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
	} catch (err) {
		rmSync(root, { recursive: true, force: true });
		throw new Error(`initdb failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? String(err)}`);
	}

	const settings = options.durable
		? ['-c', 'max_connections=100']
		: ['-F', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=50'];
	const [file, args] = command(account, join(bin, 'postgres'), ['-D', data, '-k', socket, '-c', 'listen_addresses=', ...settings]);
	const [postgres, postgresArgs] = options.cpus ? ['taskset', ['-c', options.cpus, file, ...args]] : [file, args];
	// A watchdog shell runs postgres: on SIGTERM, or within a second of this process ending in any
	// way (a test worker killed by its runner runs no exit handlers), it stops postgres and removes
	// the folder, so no server outlives its tests.
	const watchdog = `"$@" & pg=$!
trap 'kill -INT $pg 2>/dev/null' TERM INT
while kill -0 ${process.pid} 2>/dev/null && kill -0 $pg 2>/dev/null; do sleep 1; done
kill -INT $pg 2>/dev/null; wait $pg; rm -rf "$0"`;
	const server = spawn('sh', ['-c', watchdog, root, postgres, ...postgresArgs], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	server.stderr?.on('data', (chunk: Buffer) => {
		stderr = (stderr + chunk.toString()).slice(-4000);
	});
	const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
	// a test run that ends without stop() must not leave a server behind
	const killOnExit = () => server.kill('SIGTERM');
	process.once('exit', killOnExit);

	const url = (database: string) => `postgresql://${SUPERUSER}@/${database}?host=${encodeURIComponent(socket)}`;
	const stop = async () => {
		process.removeListener('exit', killOnExit);
		if (server.exitCode === null) {
			server.kill('SIGTERM'); // the watchdog asks postgres for a fast shutdown (ends open connections)
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 8000))]);
			if (server.exitCode === null) server.kill('SIGKILL');
		}
		rmSync(root, { recursive: true, force: true });
	};
	try {
		await waitForConnections(url('postgres'), server, () => stderr);
	} catch (err) {
		await stop();
		throw err;
	}

	let created = 0;
	return {
		url,
		async createDatabase(name = `kring_test_${++created}`) {
			if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
			const client = new pg.Client({ connectionString: url('postgres') });
			await client.connect();
			try {
				await client.query(`create database ${name}`);
			} finally {
				await client.end();
			}
			return url(name);
		},
		stop
	};
}

export interface MigratedPostgres {
	server: TestPostgres;
	database: OpenedPostgres;
	/** the database's connection string (for a second connection, e.g. a cluster session) */
	url: string;
	/** closes the pool, stops the server and removes its folder */
	close(): Promise<void>;
}

/** A fresh server with one database migrated to the latest schema, for a test file's beforeAll. */
export async function startMigratedPostgres(): Promise<MigratedPostgres> {
	const server = await startPostgres();
	try {
		const url = await server.createDatabase();
		const database = openPostgres(url);
		await migrateToLatest(database.db, MIGRATIONS_DIR);
		return {
			server,
			database,
			url,
			async close() {
				await database.db.destroy();
				await server.stop();
			}
		};
	} catch (err) {
		await server.stop();
		throw err;
	}
}
