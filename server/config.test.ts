import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';

describe('readConfig', () => {
	it('gives the documented defaults', () => {
		const config = readConfig({});
		expect(config.port).toBe(3000);
		expect(config.databasePath.endsWith('data/kring.db')).toBe(true);
		expect(config.origin).toBeNull();
	});

	it('refuses a port that is not a number', () => {
		expect(() => readConfig({ PORT: 'abc' })).toThrow(/PORT/);
	});

	it('refuses an ORIGIN with a path', () => {
		expect(() => readConfig({ ORIGIN: 'https://kring.example.nl/app' })).toThrow(/ORIGIN/);
	});
});
