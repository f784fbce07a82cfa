import { json } from '@sveltejs/kit';
import { refusalMessage, warningMessage } from '$lib/import-messages';
import { m } from '$lib/paraglide/messages';
import { mappingFromForm } from '$lib/server/import-mapping';
import { importAccess } from '$lib/server/plan-import';
import { getRuntime } from '$lib/server/runtime';
import { checkDocx, ImportRefused, MAX_IMPORT_BYTES, readWordPlan, toPreview } from '$lib/server/word-import';
import { currentUser } from '$lib/route-helpers.server';
import type { RequestHandler } from './$types';

/** Room for the multipart envelope and the other fields around a 10 MB file. */
const ENVELOPE = 64 * 1024;

/**
 * The import's preview as JSON: a Word file (`file`) for a region (`region`
 * slug) read into title, chapters, themes and actions, without creating
 * anything. Region admins and editors only: 403 for other members of the
 * region, 404 for everyone else. A refused file is a 400 or 413 with a Dutch
 * `message`; a file over 10 MB is refused before it is read.
 */
export const POST: RequestHandler = async ({ request, locals }) => {
	const { db, logger } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const length = Number(request.headers.get('content-length') ?? 0);
	if (length > MAX_IMPORT_BYTES + ENVELOPE) return json({ message: m.import_refused_too_large() }, { status: 413 });
	let form: FormData;
	try {
		form = await request.formData();
	} catch {
		return json({ message: m.validation_bad_input() }, { status: 400 });
	}
	const slug = form.get('region');
	const file = form.get('file');
	const access = typeof slug === 'string' && /^[a-z0-9-]{1,80}$/.test(slug) ? await importAccess(db, roles, slug) : null;
	if (!access) return json({ message: 'Niet gevonden' }, { status: 404 });
	if (!access.allowed) return json({ message: m.import_forbidden() }, { status: 403 });
	if (!(file instanceof File)) return json({ message: m.import_no_file() }, { status: 400 });
	if (file.size > MAX_IMPORT_BYTES) return json({ message: m.import_refused_too_large() }, { status: 413 });
	const mapping = mappingFromForm(form);
	if (!mapping) return json({ message: m.import_field_bad() }, { status: 400 });
	try {
		const bytes = new Uint8Array(await file.arrayBuffer());
		await checkDocx(bytes);
		const plan = await readWordPlan(bytes, { mapping, fileName: file.name });
		const preview = toPreview(plan);
		return json({ ...preview, warnings: preview.warnings.map((w) => ({ ...w, message: warningMessage(w) })), mapping: plan.mapping });
	} catch (err) {
		if (err instanceof ImportRefused) {
			logger.info({ event: 'import_refused', user: user.id, reason: err.reason }, 'word import refused');
			return json({ message: refusalMessage(err.reason) }, { status: err.status });
		}
		throw err;
	}
};
