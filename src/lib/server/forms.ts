import * as v from 'valibot';

export type FieldErrors = Record<string, string>;

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; message: string };

/** Reads only string values; a file where text belongs is bad input, like any other. */
export function formToObject(form: FormData): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of form) out[key] = value;
	return out;
}

/**
 * Validates an input against its one schema; the first issue per field
 * becomes that field's Dutch message.
 */
export function parseInput<TSchema extends v.GenericSchema>(
	schema: TSchema,
	input: unknown,
	fallbackMessage: string
): Parsed<v.InferOutput<TSchema>> {
	const result = v.safeParse(schema, input);
	if (result.success) return { ok: true, data: result.output };
	const errors: FieldErrors = {};
	for (const issue of result.issues) {
		const key = v.getDotPath(issue) ?? '_';
		// A missing field is reported by the object schema in valibot's own
		// English; the user gets the form's Dutch message instead.
		errors[key] ??= issue.type === 'object' ? fallbackMessage : issue.message;
	}
	const first = Object.values(errors)[0];
	return { ok: false, errors, message: first ?? fallbackMessage };
}

/** A year typed in a form ('2025'), as a number from 1990 to 2100; `message` when it is not one. */
export function yearField(message: string) {
	return v.pipe(v.string(), v.trim(), v.regex(/^\d{4}$/, message), v.transform(Number), v.minValue(1990, message), v.maxValue(2100, message));
}
