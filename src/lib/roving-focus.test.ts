import { describe, expect, it } from 'vitest';
import { rovingTarget } from './roving-focus.ts';

describe('rovingTarget', () => {
	it('moves with the arrows and wraps at both ends', () => {
		expect(rovingTarget('ArrowRight', 0, 4)).toBe(1);
		expect(rovingTarget('ArrowRight', 3, 4)).toBe(0);
		expect(rovingTarget('ArrowLeft', 0, 4)).toBe(3);
	});

	it('jumps to the first and last with Home and End, and ignores other keys', () => {
		expect(rovingTarget('Home', 2, 4)).toBe(0);
		expect(rovingTarget('End', 1, 4)).toBe(3);
		expect(rovingTarget('Enter', 1, 4)).toBeNull();
	});
});
