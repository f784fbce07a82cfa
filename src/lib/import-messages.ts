import { m } from '$lib/paraglide/messages';
import type { ImportWarning, RefusalReason } from '$lib/server/word-import';

/** The Dutch message for a refused Word file. */
export function refusalMessage(reason: RefusalReason): string {
	switch (reason) {
		case 'too_large':
			return m.import_refused_too_large();
		case 'empty':
			return m.import_refused_empty();
		case 'not_docx':
			return m.import_refused_not_docx();
		case 'corrupt':
			return m.import_refused_corrupt();
		case 'macro':
			return m.import_refused_macro();
		case 'zip_bomb':
			return m.import_refused_zip_bomb();
		case 'no_structure':
			return m.import_refused_no_structure();
	}
}

/** A warning of the import in the user's words. */
export function warningMessage(warning: ImportWarning): string {
	switch (warning.code) {
		case 'intro_moved':
			return m.import_warning_intro_moved({ title: warning.title });
		case 'table_as_text':
			return m.import_warning_table_as_text({ theme: warning.theme });
		case 'field_skipped':
			return m.import_warning_field_skipped({ label: warning.label });
		case 'images_skipped':
			return m.import_warning_images_skipped({ count: warning.count });
		case 'no_actions':
			return m.import_warning_no_actions();
		case 'no_themes':
			return m.import_warning_no_themes();
		case 'actions_without_theme':
			return m.import_warning_actions_without_theme({ count: warning.count });
		case 'empty_action_skipped':
			return m.import_warning_empty_action_skipped({ theme: warning.theme });
	}
}
