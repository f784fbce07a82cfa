import { m } from '$lib/paraglide/messages';
import { csvResponse } from '$lib/plan-export.server';
import { readablePlan } from '$lib/route-helpers.server';
import { recordAudit } from '$lib/server/audit';
import { getLocalMatrix } from '$lib/server/local-report';
import { getRuntime } from '$lib/server/runtime';
import { statusLabel } from '$lib/status';
import type { RequestHandler } from './$types';

/** 'YYYY-MM-DD HH:MM' in Dutch time: a date Excel reads as one */
const stamp = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });
const when = (ms: number | null) => (ms === null ? '' : stamp.format(new Date(ms)));

/**
 * GET: the regional plan's local reporting as CSV — one row per local action
 * and gemeente, with its status and note (who wrote it, when). Readers of the
 * region only.
 */
export const GET: RequestHandler = async ({ locals, params, getClientAddress }) => {
	const { db } = getRuntime();
	const { plan, roles, user } = await readablePlan(locals, params.planId);
	const matrix = await getLocalMatrix(db, plan, roles);
	await recordAudit(db, {
		action: 'export.downloaded',
		actor: user,
		regionId: plan.regionId,
		object: { type: 'plan', id: plan.id, label: plan.title },
		origin: getClientAddress(),
		detail: { file: 'lokale-uitvoering.csv' }
	});
	return csvResponse(plan, 'lokale-uitvoering', [
		[
			m.export_col_number(),
			m.export_col_theme(),
			m.export_col_action(),
			m.local_report_col_municipality(),
			m.local_report_col_status(),
			m.local_report_col_note(),
			m.local_report_col_note_by(),
			m.local_report_col_note_at(),
			m.local_report_col_updated()
		],
		...matrix.rows.flatMap((row) =>
			row.reports.map((r) => [
				row.themeNumber,
				row.themeTitle,
				row.title,
				r.municipalityName,
				r.status ? statusLabel(r.status) : m.local_report_not_reported(),
				r.note ?? '',
				r.noteAuthor ?? '',
				when(r.noteUpdatedAt),
				when(r.updatedAt)
			])
		)
	]);
};
