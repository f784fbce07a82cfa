import { describe, expect, it } from 'vitest';
import { startKring } from './app.ts';
import { readConfig } from './config.ts';
import { StartupError } from './startup-storage.ts';

describe('DATABASE_URL', () => {
	it('is unset by default: SQLite at DATABASE_PATH', () => {
		const config = readConfig({ DATABASE_PATH: '/srv/kring/kring.db' });
		expect(config.database).toEqual({ dialect: 'sqlite', path: '/srv/kring/kring.db' });
	});

	it('selects PostgreSQL with postgres:// or postgresql:// and wins over DATABASE_PATH', () => {
		for (const url of ['postgres://kring:secret@db.example.nl:5432/kring', 'postgresql:///kring?host=/tmp/pgsock', 'POSTGRESQL://kring@/kring?host=/run/postgresql']) {
			const config = readConfig({ DATABASE_URL: ` ${url} `, DATABASE_PATH: '/srv/kring/kring.db' });
			expect(config.database).toEqual({ dialect: 'postgres', url });
		}
	});

	it('refuses any other URL, saying what it accepts', () => {
		for (const url of ['mysql://kring@localhost/kring', 'sqlite:///srv/kring.db', '/srv/kring.db']) {
			expect(() => readConfig({ DATABASE_URL: url })).toThrow(/DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//);
		}
	});

	it('an empty DATABASE_URL means SQLite', () => {
		expect(readConfig({ DATABASE_URL: '  ' }).database.dialect).toBe('sqlite');
	});
});

describe('Kring on PostgreSQL', () => {
	it('refuses to start with one sentence when no server answers at DATABASE_URL', async () => {
		const config = readConfig({ DATABASE_URL: 'postgresql:///kring?host=/nonexistent-socket-dir', DEMO_DATA: 'false' });
		const start = startKring(config);
		await expect(start).rejects.toBeInstanceOf(StartupError);
		await expect(start).rejects.toThrow(/^no PostgreSQL server answers at DATABASE_URL/);
	});
});
