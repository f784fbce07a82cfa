import type { Db } from './db.ts';
import type { AdoptionDecision } from './schema.ts';
import { insertVersion, listVersions, takeSnapshot, type ReadDocument } from './version.ts';

/**
 * Plan status and adoption. A version is frozen for decision-making (by an
 * editor at any time, or by closing an evaluation) and is then *ter
 * besluitvorming*; every college of the region (for a local plan: its own
 * gemeente's college) records its decision on it. A version is *vastgesteld*
 * once every one of those colleges adopted it — a version never calls itself
 * adopted. A plan's status is its latest version's: no version yet is
 * *concept*.
 */

export const ADOPTION_DECISIONS = ['adopted', 'deferred', 'rejected'] as const satisfies readonly AdoptionDecision[];
export type PlanStatus = 'concept' | 'in_decision' | 'adopted';
export type AdoptionError = 'not_found' | 'not_in_region' | 'date_outside_period' | 'bad_date';

export interface AdoptionRow {
	municipalityId: string;
	municipalityName: string;
	municipalitySlug: string;
	decision: AdoptionDecision;
	decidedOn: string;
	reference: string;
	documentUrl: string | null;
	councilInformed: boolean;
	recordedAt: number;
}

/** One row per college that decides on the plan: decided or not yet. */
export interface AdoptionTableRow {
	municipalityId: string;
	municipalityName: string;
	municipalitySlug: string;
	adoption: AdoptionRow | null;
}

export interface AdoptionSummary {
	status: Exclude<PlanStatus, 'concept'>;
	adopted: number;
	deferred: number;
	rejected: number;
	total: number;
}

/** 'YYYY-MM-DD' and a real calendar day. */
export function isCalendarDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const d = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Is the date within the plan's period (its start year to its end year, inclusive)? */
export function withinPeriod(date: string, period: { start: number; end: number }): boolean {
	if (!isCalendarDate(date)) return false;
	const year = Number(date.slice(0, 4));
	return year >= period.start && year <= period.end;
}

/** The rule: vastgesteld once every deciding college adopted it. */
export function summarize(rows: { decision: AdoptionDecision }[], total: number): AdoptionSummary {
	const count = (d: AdoptionDecision) => rows.filter((r) => r.decision === d).length;
	const adopted = count('adopted');
	return { status: total > 0 && adopted >= total ? 'adopted' : 'in_decision', adopted, deferred: count('deferred'), rejected: count('rejected'), total };
}

interface PlanInfo {
	id: string;
	regionId: string;
	scope: 'region' | 'municipality';
	municipalityId: string | null;
	periodStart: number;
	periodEnd: number;
}

async function planInfo(db: Db, planId: string): Promise<PlanInfo | null> {
	const row = await db
		.selectFrom('plans')
		.select(['id', 'region_id', 'scope', 'municipality_id', 'period_start', 'period_end'])
		.where('id', '=', planId)
		.executeTakeFirst();
	if (!row) return null;
	return { id: row.id, regionId: row.region_id, scope: row.scope, municipalityId: row.municipality_id, periodStart: row.period_start, periodEnd: row.period_end };
}

/** The gemeenten whose college decides on the plan: the region's, or a local plan's own. */
export async function decidingMunicipalities(db: Db, plan: Pick<PlanInfo, 'regionId' | 'scope' | 'municipalityId'>) {
	let query = db.selectFrom('municipalities').select(['id', 'name', 'slug']).where('region_id', '=', plan.regionId);
	if (plan.scope === 'municipality') query = query.where('id', '=', plan.municipalityId ?? '');
	return query.orderBy('name').execute();
}

/** Freezes the plan as it is now into a version for decision-making, named by the editor. */
export async function freezeVersion(db: Db, readDocument: ReadDocument, input: { planId: string; label: string; userId: string }): Promise<string | null> {
	const snapshot = await takeSnapshot(db, input.planId, readDocument, { withState: true });
	if (!snapshot) return null;
	return insertVersion(db, { planId: input.planId, cycleId: null, label: input.label, adoptedAt: Date.now(), snapshot, createdBy: input.userId });
}

export async function listAdoptions(db: Db, versionId: string): Promise<AdoptionRow[]> {
	const rows = await db
		.selectFrom('version_adoptions as va')
		.innerJoin('municipalities as m', 'm.id', 'va.municipality_id')
		.select(['va.municipality_id', 'm.name', 'm.slug', 'va.decision', 'va.decided_on', 'va.reference', 'va.document_url', 'va.council_informed', 'va.recorded_at'])
		.where('va.version_id', '=', versionId)
		.orderBy('m.name')
		.execute();
	return rows.map((r) => ({
		municipalityId: r.municipality_id,
		municipalityName: r.name,
		municipalitySlug: r.slug,
		decision: r.decision,
		decidedOn: r.decided_on,
		reference: r.reference,
		documentUrl: r.document_url,
		councilInformed: r.council_informed === 1,
		recordedAt: r.recorded_at
	}));
}

/** The adoption table of a version: every deciding college, with its decision when recorded, and the count. */
export async function adoptionTable(db: Db, versionId: string): Promise<{ rows: AdoptionTableRow[]; summary: AdoptionSummary } | null> {
	const version = await db.selectFrom('plan_versions').select(['plan_id']).where('id', '=', versionId).executeTakeFirst();
	if (!version) return null;
	const plan = await planInfo(db, version.plan_id);
	if (!plan) return null;
	const [municipalities, adoptions] = await Promise.all([decidingMunicipalities(db, plan), listAdoptions(db, versionId)]);
	const byMunicipality = new Map(adoptions.map((a) => [a.municipalityId, a]));
	const rows = municipalities.map((m) => ({ municipalityId: m.id, municipalityName: m.name, municipalitySlug: m.slug, adoption: byMunicipality.get(m.id) ?? null }));
	return { rows, summary: summarize(rows.flatMap((r) => (r.adoption ? [r.adoption] : [])), municipalities.length) };
}

export interface AdoptionInput {
	versionId: string;
	municipalityId: string;
	decision: AdoptionDecision;
	decidedOn: string;
	reference: string;
	documentUrl: string | null;
	councilInformed: boolean;
	userId: string;
}

/** Records (or corrects) one college's decision on a version. Refused, with nothing changed, for a date outside the plan's period or a gemeente that does not decide on it. */
export async function recordAdoption(db: Db, input: AdoptionInput): Promise<{ ok: true } | { ok: false; error: AdoptionError }> {
	const version = await db.selectFrom('plan_versions').select(['plan_id']).where('id', '=', input.versionId).executeTakeFirst();
	if (!version) return { ok: false, error: 'not_found' };
	const plan = await planInfo(db, version.plan_id);
	if (!plan) return { ok: false, error: 'not_found' };
	if (!isCalendarDate(input.decidedOn)) return { ok: false, error: 'bad_date' };
	if (!withinPeriod(input.decidedOn, { start: plan.periodStart, end: plan.periodEnd })) return { ok: false, error: 'date_outside_period' };
	const deciding = await decidingMunicipalities(db, plan);
	if (!deciding.some((m) => m.id === input.municipalityId)) return { ok: false, error: 'not_in_region' };
	const values = {
		decision: input.decision,
		decided_on: input.decidedOn,
		reference: input.reference,
		document_url: input.documentUrl,
		council_informed: input.councilInformed ? 1 : 0,
		recorded_by: input.userId,
		recorded_at: Date.now()
	};
	await db
		.insertInto('version_adoptions')
		.values({ version_id: input.versionId, municipality_id: input.municipalityId, ...values })
		.onConflict((oc) => oc.columns(['version_id', 'municipality_id']).doUpdateSet(values))
		.execute();
	return { ok: true };
}

/** Removes one college's decision (entered by mistake). */
export async function removeAdoption(db: Db, versionId: string, municipalityId: string): Promise<boolean> {
	const result = await db.deleteFrom('version_adoptions').where('version_id', '=', versionId).where('municipality_id', '=', municipalityId).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** Each version of a plan with its adoption count, newest first. */
export async function versionsWithStatus(db: Db, planId: string) {
	const versions = await listVersions(db, planId);
	const out = [];
	for (const v of versions) {
		const table = await adoptionTable(db, v.id);
		if (table) out.push({ ...v, summary: table.summary });
	}
	return out.sort((a, b) => b.createdAt - a.createdAt);
}

/** concept, ter besluitvorming or vastgesteld: the status of the plan's latest version. */
export async function planStatus(db: Db, planId: string): Promise<PlanStatus> {
	const latest = await db
		.selectFrom('plan_versions')
		.select(['id'])
		.where('plan_id', '=', planId)
		.orderBy('created_at', 'desc')
		.orderBy('adopted_at', 'desc')
		.executeTakeFirst();
	if (!latest) return 'concept';
	const table = await adoptionTable(db, latest.id);
	return table?.summary.status ?? 'concept';
}

/** For a gemeente's own page: its college's decisions on the versions of its region's plans and its own plans. */
export async function municipalityDecisions(db: Db, municipalityId: string) {
	const municipality = await db.selectFrom('municipalities').select(['id', 'region_id']).where('id', '=', municipalityId).executeTakeFirst();
	if (!municipality) return [];
	const versions = await db
		.selectFrom('plan_versions as v')
		.innerJoin('plans as p', 'p.id', 'v.plan_id')
		.leftJoin('version_adoptions as va', (join) => join.onRef('va.version_id', '=', 'v.id').on('va.municipality_id', '=', municipalityId))
		.select(['v.id', 'v.label', 'v.created_at', 'p.id as planId', 'p.title as planTitle', 'va.decision', 'va.decided_on', 'va.reference', 'va.document_url', 'va.council_informed'])
		.where('p.region_id', '=', municipality.region_id)
		.where('p.archived_at', 'is', null)
		.where((eb) => eb.or([eb('p.scope', '=', 'region'), eb('p.municipality_id', '=', municipalityId)]))
		.orderBy('v.created_at', 'desc')
		.execute();
	return versions.map((v) => ({
		versionId: v.id,
		label: v.label,
		planId: v.planId,
		planTitle: v.planTitle,
		decision: v.decision ?? null,
		decidedOn: v.decided_on ?? null,
		reference: v.reference ?? '',
		documentUrl: v.document_url ?? null,
		councilInformed: v.council_informed === 1
	}));
}

