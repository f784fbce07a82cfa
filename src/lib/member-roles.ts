import { m } from '$lib/paraglide/messages';
import { roleLabel } from '$lib/roles';
import type { StrongestRole } from '$lib/role-strength';

/**
 * One role as a single form value, so one <select> offers every role:
 * 'admin' | 'editor' | 'viewer' | 'municipal_editor:<gemeente id>' | 'ambassador:<theme id>'.
 */
export interface RoleChoice {
	role: 'admin' | 'editor' | 'viewer' | 'municipal_editor' | 'ambassador';
	municipalityId?: string;
	themeId?: string;
}

const ID = /^[a-z0-9]{1,40}$/;

export function roleValue(role: RoleChoice): string {
	if (role.role === 'municipal_editor') return `municipal_editor:${role.municipalityId}`;
	if (role.role === 'ambassador') return `ambassador:${role.themeId}`;
	return role.role;
}

/** null for anything that is not one of the forms above. */
export function parseRoleValue(value: string): RoleChoice | null {
	if (value === 'admin' || value === 'editor' || value === 'viewer') return { role: value };
	const [kind, id, ...rest] = value.split(':');
	if (rest.length || !id || !ID.test(id)) return null;
	if (kind === 'municipal_editor') return { role: 'municipal_editor', municipalityId: id };
	if (kind === 'ambassador') return { role: 'ambassador', themeId: id };
	return null;
}

export interface RoleNames {
	municipalities: Map<string, string>;
	themes: Map<string, string>;
}

export function memberRoleLabel(role: RoleChoice, names: RoleNames): string {
	if (role.role === 'municipal_editor') return m.members_role_municipal({ name: names.municipalities.get(role.municipalityId ?? '') ?? '?' });
	if (role.role === 'ambassador') return m.members_role_ambassador({ theme: names.themes.get(role.themeId ?? '') ?? '?' });
	return roleLabel(role.role);
}

/** "Beheerder", "Redacteur gemeente Arnhem en nog 1", "Ambassadeur Preventie", "Lezer". */
export function strongestRoleLabel(strongest: StrongestRole, names: RoleNames): string {
	const { role, more } = strongest;
	// a name the caller does not know (e.g. an archived theme): the role's general word
	if (role.role === 'municipal_editor') {
		const name = names.municipalities.get(role.municipalityId ?? '');
		if (name) return more ? m.words_role_municipal_more({ name, more }) : m.words_role_municipal({ name });
	}
	if (role.role === 'ambassador') {
		const theme = names.themes.get(role.themeId ?? '');
		if (theme) return more ? m.words_role_ambassador_more({ theme, more }) : m.words_role_ambassador({ theme });
	}
	return roleLabel(role.role);
}
