import { describe, expect, it } from 'vitest';
import { parseEuro, parseProgress } from './meta-input.ts';

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }) => (r.ok ? r.value : `fout: ${r.message}`);

describe('cost amounts as a policy officer types them', () => {
	it('reads whole euros with or without thousands dots and euro sign', () => {
		expect(value(parseEuro('155000'))).toBe(155000);
		expect(value(parseEuro('155.000'))).toBe(155000);
		expect(value(parseEuro('€ 12.500'))).toBe(12500);
		expect(value(parseEuro('€\u00a012.500,00'))).toBe(12500);
		expect(value(parseEuro('12,-'))).toBe(12);
		expect(value(parseEuro('1.250.000 euro'))).toBe(1250000);
	});

	it('clears the amount when the field is empty', () => {
		expect(value(parseEuro('  '))).toBeNull();
	});

	it('refuses cents with a message instead of rounding', () => {
		expect(parseEuro('12,5')).toEqual({ ok: false, message: "Vul een bedrag in hele euro's in, zonder centen, bijvoorbeeld 12." });
		expect(parseEuro('12,50').ok).toBe(false);
		expect(parseEuro('1.234,99')).toEqual({ ok: false, message: "Vul een bedrag in hele euro's in, zonder centen, bijvoorbeeld 1.234." });
	});

	it('refuses a dot or comma whose meaning cannot be told', () => {
		expect(value(parseEuro('12.5'))).toMatch(/met een punt voor duizendtallen/);
		expect(value(parseEuro('12,500'))).toMatch(/met een punt voor duizendtallen/);
	});

	it('refuses negative, too large and nonsense amounts', () => {
		expect(value(parseEuro('-100'))).toBe('fout: Een bedrag kan niet negatief zijn.');
		expect(value(parseEuro('9999999999999'))).toBe('fout: Dit bedrag is te groot.');
		expect(value(parseEuro('veel'))).toBe("fout: Vul een bedrag in hele euro's in, bijvoorbeeld 155.000.");
	});
});

describe('progress in percent', () => {
	it('reads a whole percentage, with or without a percent sign', () => {
		expect(value(parseProgress('40'))).toBe(40);
		expect(value(parseProgress(' 40 % '))).toBe(40);
		expect(value(parseProgress('0'))).toBe(0);
		expect(value(parseProgress('100'))).toBe(100);
	});

	it('says what is wrong outside 0 to 100', () => {
		expect(value(parseProgress('150'))).toBe('fout: 150 kan niet: vul een getal van 0 tot en met 100 in.');
		expect(value(parseProgress('-5'))).toBe('fout: -5 kan niet: vul een getal van 0 tot en met 100 in.');
	});

	it('refuses decimals, empty and nonsense', () => {
		expect(value(parseProgress('12,5'))).toBe('fout: Vul een heel getal in, zonder komma.');
		expect(value(parseProgress(''))).toMatch(/^fout: Vul een getal van 0 tot en met 100 in/);
		expect(value(parseProgress('half'))).toMatch(/^fout: Vul een getal van 0 tot en met 100 in/);
	});
});
