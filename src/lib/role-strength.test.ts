import { describe, expect, it } from 'vitest';
import { strongestRoleLabel } from './member-roles.ts';
import { byStrength, rolesInRegion, strongestRole, strongestRoleInRegion, type HeldRoles } from './role-strength.ts';

const held = (over: Partial<HeldRoles>): HeldRoles => ({ regionRoles: new Map(), municipalEditor: new Map(), ambassadorOf: new Map(), ...over });
const names = {
	municipalities: new Map([
		['arnhem', 'Arnhem'],
		['ede', 'Ede']
	]),
	themes: new Map([
		['prev', 'Preventie'],
		['veil', 'Veiligheid']
	])
};
const label = (h: HeldRoles, region = 'r1') => {
	const s = strongestRoleInRegion(h, region);
	return s && strongestRoleLabel(s, names);
};

describe('a person’s strongest role in a region', () => {
	it('names an ambassador who is also lezer of the region by the theme, not as Lezer', () => {
		const h = held({ regionRoles: new Map([['r1', 'viewer']]), ambassadorOf: new Map([['prev', 'r1']]) });
		expect(label(h)).toBe('Ambassadeur Preventie');
	});

	it('orders admin > werkgroeplid > gemeente redacteur > ambassadeur > lezer', () => {
		const all = { municipalEditor: new Map([['arnhem', 'r1']]), ambassadorOf: new Map([['prev', 'r1']]) };
		expect(label(held({ ...all, regionRoles: new Map([['r1', 'admin']]) }))).toBe('Beheerder');
		expect(label(held({ ...all, regionRoles: new Map([['r1', 'editor']]) }))).toBe('Werkgroeplid');
		expect(label(held({ ...all, regionRoles: new Map([['r1', 'viewer']]) }))).toBe('Redacteur gemeente Arnhem');
		expect(label(held({ regionRoles: new Map([['r1', 'viewer']]) }))).toBe('Lezer');
	});

	it('counts further roles of the same kind', () => {
		expect(label(held({ ambassadorOf: new Map([['prev', 'r1'], ['veil', 'r1']]) }))).toBe('Ambassadeur Preventie en nog 1');
		expect(label(held({ municipalEditor: new Map([['arnhem', 'r1'], ['ede', 'r1']]) }))).toBe('Redacteur gemeente Arnhem en nog 1');
	});

	it('only looks at roles in the region asked about', () => {
		const h = held({ regionRoles: new Map([['r2', 'admin']]), ambassadorOf: new Map([['prev', 'r1']]), municipalEditor: new Map([['ede', 'r2']]) });
		expect(rolesInRegion(h, 'r1')).toEqual([{ role: 'ambassador', themeId: 'prev' }]);
		expect(label(h)).toBe('Ambassadeur Preventie');
		expect(label(h, 'r2')).toBe('Beheerder');
		expect(strongestRoleInRegion(h, 'r3')).toBeNull();
		expect(strongestRole([])).toBeNull();
	});

	it('sorts a member’s roles strongest first, keeping the order within a kind', () => {
		const sorted = byStrength([
			{ role: 'ambassador', themeId: 'veil' },
			{ role: 'viewer' },
			{ role: 'ambassador', themeId: 'prev' },
			{ role: 'municipal_editor', municipalityId: 'ede' }
		]);
		expect(sorted.map((r) => r.themeId ?? r.municipalityId ?? r.role)).toEqual(['ede', 'veil', 'prev', 'viewer']);
	});
});
