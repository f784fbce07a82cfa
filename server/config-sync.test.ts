import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';

describe('readConfig: DATABASE_SYNC', () => {
	it('is normal unless set to full, and refuses anything else', () => {
		expect(readConfig({}).databaseSyncFull).toBe(false);
		expect(readConfig({ DATABASE_SYNC: 'normal' }).databaseSyncFull).toBe(false);
		expect(readConfig({ DATABASE_SYNC: ' FULL ' }).databaseSyncFull).toBe(true);
		expect(() => readConfig({ DATABASE_SYNC: 'extra' })).toThrow(/DATABASE_SYNC/);
	});
});
