import { m } from '$lib/paraglide/messages';
import type { PasswordProblem } from '$lib/server/password';

/** The Dutch reason a new password is refused, for every form that sets one. */
export function passwordProblemMessage(problem: Exclude<PasswordProblem, null>): string {
	switch (problem) {
		case 'too_short':
			return m.password_too_short();
		case 'too_long':
			return m.password_too_long();
		case 'same_as_email':
			return m.password_same_as_email();
		case 'too_simple':
			return m.password_too_simple();
		case 'common':
			return m.password_common();
	}
}
