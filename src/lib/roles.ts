import { m } from '$lib/paraglide/messages';

export function roleLabel(role: string | null): string {
	switch (role) {
		case 'admin':
			return m.role_admin();
		case 'editor':
			return m.role_editor();
		case 'viewer':
			return m.role_viewer();
		case 'municipal_editor':
			return m.role_municipal_editor();
		case 'ambassador':
			return m.role_ambassador();
		default:
			return '';
	}
}
