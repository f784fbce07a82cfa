import { error } from '@sveltejs/kit';
import { bodyLabel, formatDay, outcomeLabel } from '$lib/adoption-labels';
import { fileSlug } from '$lib/csv';
import { m } from '$lib/paraglide/messages';
import { currentUser } from '$lib/route-helpers.server';
import { versionAccess } from '$lib/server/adoption-access';
import { recordAudit } from '$lib/server/audit';
import { listResponses } from '$lib/server/responses';
import type { ResponseExportWords } from '$lib/server/responses-export';
import { getRuntime } from '$lib/server/runtime';

/** What the register's DOCX and XLSX routes share: rights (readers of the region), the rows, the words, the audit row. */
export async function responsesSource(locals: App.Locals, versionId: string, origin: string, file: string) {
	const { db } = getRuntime();
	const { user, roles } = await currentUser(locals);
	const access = await versionAccess(db, roles, versionId);
	if (!access) error(404, 'Niet gevonden');
	const { plan, version } = access;
	const responses = await listResponses(db, version.id);
	const words: ResponseExportWords = {
		title: m.response_register_title(),
		subtitle: `${plan.title} — ${version.label}`,
		municipality: m.adoption_field_municipality(),
		body: m.response_field_body(),
		date: m.response_field_date(),
		text: m.response_field_text(),
		about: m.response_about(),
		answer: m.response_field_answer(),
		outcome: m.response_field_outcome(),
		reason: m.response_field_reason(),
		sheet: m.response_sheet(),
		bodyLabel,
		outcomeLabel,
		dayLabel: formatDay,
		municipalityHeading: (name) => m.response_municipality({ name })
	};
	await recordAudit(db, {
		action: 'export.downloaded',
		actor: user,
		regionId: plan.regionId,
		object: { type: 'version', id: version.id, label: `${plan.title} — ${version.label}` },
		origin,
		detail: { file }
	});
	return { responses, words, baseName: `${fileSlug(plan.title)}-zienswijzen` };
}
