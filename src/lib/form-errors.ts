/** Reads one field's message from an action's `errors`, whatever shape the union has. */
export function fieldError(form: { errors?: unknown } | null | undefined, field: string): string | undefined {
	const errors = form?.errors as Record<string, string | undefined> | undefined;
	return errors?.[field];
}
