import { describe, expect, it } from 'vitest';
import { accessToResource, type DocResource, type UserRoles } from './access.ts';

const editor: UserRoles = { regionRoles: new Map([['r1', 'editor']]), municipalEditor: new Map(), ambassadorOf: new Map() };
const card = (archived: boolean): DocResource => ({
	ref: { kind: 'action', id: 'a1' },
	planId: 'p1',
	regionId: 'r1',
	planScope: 'region',
	municipalityId: null,
	themeId: 't1',
	archived
});

describe('document access', () => {
	it("give the werkgroep write access to a regional plan's card", () => {
		expect(accessToResource(editor, card(false))).toBe('write');
	});

	it('keep an archived card read-only for everyone, its editors too', () => {
		expect(accessToResource(editor, card(true))).toBe('read');
		const admin: UserRoles = { ...editor, regionRoles: new Map([['r1', 'admin']]) };
		expect(accessToResource(admin, card(true))).toBe('read');
	});
});
