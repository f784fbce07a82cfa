import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { loadVersionContext } from '$lib/review-context.server';
import { getPublication, publishVersion, unpublishVersion } from '$lib/server/publication';
import { listDecisions } from '$lib/server/review';
import { recordAudit } from '$lib/server/audit';
import { pdfAvailable } from '$lib/document-export.server';
import { getRuntime } from '$lib/server/runtime';
import { buildVersionDocument } from '$lib/server/plan-document';
import { planView } from '$lib/server/plan-view';
import { listVersions } from '$lib/server/version';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { version, plan, isAdmin } = await loadVersionContext(locals, params.versionId);
	const { db } = getRuntime();
	// the session's decisions: fixed once the cycle closed, as the version is
	const decisions = version.cycleId ? await listDecisions(db, version.cycleId) : [];
	const doc = await buildVersionDocument(db, version);
	if (!doc) error(404, 'Niet gevonden');
	return {
		decisions: Object.fromEntries(
			decisions.map((d) => [d.actionId, { verdict: d.verdict, deferred: d.deferred, text: d.decisionText, successorActionId: d.successorActionId }])
		),
		version: { id: version.id, label: version.label, adoptedAt: version.adoptedAt, cycleId: version.cycleId },
		plan,
		canPublish: isAdmin,
		publication: isAdmin ? await getPublication(db, version.id) : null,
		others: (await listVersions(db, plan.id)).filter((v) => v.id !== version.id).map((v) => ({ id: v.id, label: v.label })),
		title: doc.title,
		view: planView(doc),
		pdfAvailable: await pdfAvailable()
	};
};

/** Region admins publish an adopted version at a public link, or withdraw the link. */
async function adminOnly(locals: App.Locals, versionId: string) {
	const context = await loadVersionContext(locals, versionId);
	if (!context.isAdmin) {
		getRuntime().logger.warn({ event: 'version_publish_refused', user: context.user.id, version: context.version.id }, 'publishing refused');
		return { refused: fail(403, { message: m.version_public_refused() }) } as const;
	}
	return { context } as const;
}

export const actions: Actions = {
	publish: async ({ params, locals, getClientAddress }) => {
		const found = await adminOnly(locals, params.versionId);
		if ('refused' in found) return found.refused;
		const { db, logger } = getRuntime();
		const { version, plan, user } = found.context;
		await db.transaction().execute(async (trx) => {
			await publishVersion(trx, version.id, user.id);
			await recordAudit(trx, {
				action: 'publication.published',
				actor: user,
				regionId: plan.regionId,
				object: { type: 'version', id: version.id, label: `${plan.title} — ${version.label}` },
				origin: getClientAddress()
			});
		});
		logger.info({ event: 'version_published', user: found.context.user.id, version: found.context.version.id }, 'version published');
		return { ok: true, message: m.version_public_done() };
	},
	unpublish: async ({ params, locals, getClientAddress }) => {
		const found = await adminOnly(locals, params.versionId);
		if ('refused' in found) return found.refused;
		const { db, logger } = getRuntime();
		const { version, plan, user } = found.context;
		await db.transaction().execute(async (trx) => {
			if (await unpublishVersion(trx, version.id)) {
				await recordAudit(trx, {
					action: 'publication.withdrawn',
					actor: user,
					regionId: plan.regionId,
					object: { type: 'version', id: version.id, label: `${plan.title} — ${version.label}` },
					origin: getClientAddress()
				});
			}
		});
		logger.info({ event: 'version_unpublished', user: found.context.user.id, version: found.context.version.id }, 'version withdrawn');
		return { ok: true, message: m.version_public_withdrawn() };
	}
};
