import type { Status } from '../action-doc.ts';
import { canEditAdoption, canEditTheme, canReadRegion, type UserRoles } from './access.ts';
import type { Db } from './db.ts';
import type { PlanRow } from './plan.ts';

/**
 * Local reporting: on a regional plan's *local* actions every gemeente of the
 * region reports its own status and a note (SPEC "LocalAdoption"). Only that
 * gemeente's municipal editors and the region's admins write its row; anyone
 * who reads the region reads all rows.
 *
 * A row that nobody has touched yet (created with the action as "niet
 * gestart", no author) counts as *not reported*: the JSON API gives `null`
 * for its status and note, the screens say "nog niet gemeld".
 *
 * Also here: the "versterken" flag an evaluation puts on an action (up until
 * an editor of the action clears it) and the link between a renewed action
 * and its successor.
 */

/** Longest note a gemeente may write on one action. */
export const NOTE_MAX = 2000;

export type ReportError = 'not_found' | 'not_local' | 'forbidden' | 'note_too_long';

export interface MunicipalityReport {
	municipalityId: string;
	municipalityName: string;
	municipalitySlug: string;
	/** null: not reported */
	status: Status | null;
	/** null: no note */
	note: string | null;
	/** when status or note last changed; null when not reported */
	updatedAt: number | null;
	noteUpdatedAt: number | null;
	noteAuthor: string | null;
	canEdit: boolean;
}

interface AdoptionRow {
	action_id: string;
	municipality_id: string;
	status: Status;
	note: string;
	updated_at: number;
	updated_by: string | null;
	note_updated_at: number | null;
	noteAuthor: string | null;
}

/** Has anyone reported on this row (else it is the placeholder made with the action)? */
export function isReported(row: { status: Status; note: string; updated_by: string | null }): boolean {
	return row.updated_by !== null || row.status !== 'not_started' || row.note !== '';
}

/** A note as stored: trimmed; refused above NOTE_MAX characters. */
export function checkNote(note: string): { ok: true; value: string } | { ok: false; error: 'note_too_long' } {
	const value = note.replace(/\r\n/g, '\n').trim();
	return [...value].length > NOTE_MAX ? { ok: false, error: 'note_too_long' } : { ok: true, value };
}

function toReport(
	municipality: { id: string; name: string; slug: string },
	row: AdoptionRow | undefined,
	canEdit: boolean
): MunicipalityReport {
	const reported = row !== undefined && isReported(row);
	return {
		municipalityId: municipality.id,
		municipalityName: municipality.name,
		municipalitySlug: municipality.slug,
		status: reported ? row.status : null,
		note: row && row.note !== '' ? row.note : null,
		updatedAt: reported ? Math.max(row.updated_at, row.note_updated_at ?? 0) : null,
		noteUpdatedAt: row && row.note !== '' ? row.note_updated_at : null,
		noteAuthor: row && row.note !== '' ? row.noteAuthor : null,
		canEdit
	};
}

function adoptionQuery(db: Db) {
	return db
		.selectFrom('local_adoptions as la')
		.innerJoin('actions as a', 'a.id', 'la.action_id')
		.leftJoin('users as u', 'u.id', 'la.note_updated_by')
		.select([
			'la.action_id',
			'la.municipality_id',
			'la.status',
			'la.note',
			'la.updated_at',
			'la.updated_by',
			'la.note_updated_at',
			'u.name as noteAuthor'
		]);
}

function regionMunicipalities(db: Db, regionId: string) {
	return db.selectFrom('municipalities').select(['id', 'name', 'slug']).where('region_id', '=', regionId).orderBy('name').execute();
}

/**
 * Every gemeente's report on every local action of a regional plan, keyed by
 * action id; each list holds every gemeente of the region, in name order.
 * Empty for a gemeente's own plan (it has no adoption rows).
 */
export async function listPlanReports(db: Db, plan: PlanRow, roles: UserRoles): Promise<Map<string, MunicipalityReport[]>> {
	const out = new Map<string, MunicipalityReport[]>();
	if (plan.scope !== 'region') return out;
	const [municipalities, actions, rows] = await Promise.all([
		regionMunicipalities(db, plan.regionId),
		db
			.selectFrom('actions')
			.select('id')
			.where('plan_id', '=', plan.id)
			.where('level', '=', 'local')
			.where('archived_at', 'is', null)
			.execute(),
		adoptionQuery(db).where('a.plan_id', '=', plan.id).execute()
	]);
	const byKey = new Map(rows.map((r) => [`${r.action_id}:${r.municipality_id}`, r]));
	for (const a of actions) {
		out.set(
			a.id,
			municipalities.map((mu) => toReport(mu, byKey.get(`${a.id}:${mu.id}`), canEditAdoption(roles, plan.regionId, mu.id)))
		);
	}
	return out;
}

export interface LocalMatrixRow {
	actionId: string;
	title: string;
	themeTitle: string;
	themeNumber: string | null;
	reports: MunicipalityReport[];
}

export interface LocalMatrix {
	municipalities: { id: string; name: string; slug: string; canEdit: boolean }[];
	rows: LocalMatrixRow[];
}

/** The matrix: the regional plan's local actions (in plan order) × its gemeenten. */
export async function getLocalMatrix(db: Db, plan: PlanRow, roles: UserRoles): Promise<LocalMatrix> {
	if (plan.scope !== 'region') return { municipalities: [], rows: [] };
	const [municipalities, actions, rows] = await Promise.all([
		regionMunicipalities(db, plan.regionId),
		db
			.selectFrom('actions')
			.innerJoin('themes', 'themes.id', 'actions.theme_id')
			.select(['actions.id', 'actions.title', 'themes.title as themeTitle', 'themes.number as themeNumber'])
			.where('actions.plan_id', '=', plan.id)
			.where('actions.level', '=', 'local')
			.where('actions.archived_at', 'is', null)
			.where('themes.archived_at', 'is', null)
			.orderBy('themes.position')
			.orderBy('actions.position')
			.execute(),
		adoptionQuery(db).where('a.plan_id', '=', plan.id).execute()
	]);
	const byKey = new Map(rows.map((r) => [`${r.action_id}:${r.municipality_id}`, r]));
	const withRights = municipalities.map((mu) => ({ ...mu, canEdit: canEditAdoption(roles, plan.regionId, mu.id) }));
	return {
		municipalities: withRights,
		rows: actions.map((a) => ({
			actionId: a.id,
			title: a.title,
			themeTitle: a.themeTitle,
			themeNumber: a.themeNumber,
			reports: withRights.map((mu) => toReport(mu, byKey.get(`${a.id}:${mu.id}`), mu.canEdit))
		}))
	};
}

export interface ActionReports {
	planId: string;
	actionId: string;
	reports: MunicipalityReport[];
}

/**
 * The reports on one action, for its card; null when it is not a local
 * action of a regional plan the user may read.
 */
export async function getActionReports(db: Db, actionId: string, roles: UserRoles): Promise<ActionReports | null> {
	const action = await db
		.selectFrom('actions')
		.innerJoin('plans', 'plans.id', 'actions.plan_id')
		.select(['actions.id', 'actions.plan_id', 'actions.level', 'plans.scope', 'plans.region_id'])
		.where('actions.id', '=', actionId)
		.executeTakeFirst();
	if (!action || !canReadRegion(roles, action.region_id) || action.scope !== 'region' || action.level !== 'local') return null;
	const [municipalities, rows] = await Promise.all([
		regionMunicipalities(db, action.region_id),
		adoptionQuery(db).where('la.action_id', '=', actionId).execute()
	]);
	const byId = new Map(rows.map((r) => [r.municipality_id, r]));
	return {
		planId: action.plan_id,
		actionId,
		reports: municipalities.map((mu) => toReport(mu, byId.get(mu.id), canEditAdoption(roles, action.region_id, mu.id)))
	};
}

/**
 * A gemeente reports on a regional plan's local action: its status, and its
 * note when one is given (undefined leaves the note as it is). The user must
 * be that gemeente's municipal editor or a region admin; the action must be
 * a live local action of a regional plan of the gemeente's region.
 */
export async function saveReport(
	db: Db,
	roles: UserRoles,
	input: { planId: string; actionId: string; municipalityId: string; status: Status; note?: string; userId: string }
): Promise<{ ok: true; actionTitle: string; municipalityName: string; changed: boolean } | { ok: false; error: ReportError }> {
	const [action, municipality] = await Promise.all([
		db
			.selectFrom('actions')
			.innerJoin('plans', 'plans.id', 'actions.plan_id')
			.select(['actions.title', 'actions.level', 'actions.archived_at', 'plans.id as planId', 'plans.scope', 'plans.region_id'])
			.where('actions.id', '=', input.actionId)
			.executeTakeFirst(),
		db.selectFrom('municipalities').select(['name', 'region_id']).where('id', '=', input.municipalityId).executeTakeFirst()
	]);
	if (!action || action.planId !== input.planId || !canReadRegion(roles, action.region_id)) return { ok: false, error: 'not_found' };
	if (action.scope !== 'region' || action.level !== 'local' || action.archived_at !== null || municipality?.region_id !== action.region_id) {
		return { ok: false, error: 'not_local' };
	}
	if (!canEditAdoption(roles, action.region_id, input.municipalityId)) return { ok: false, error: 'forbidden' };
	let note: string | undefined;
	if (input.note !== undefined) {
		const checked = checkNote(input.note);
		if (!checked.ok) return checked;
		note = checked.value;
	}
	const now = Date.now();
	const before = await db
		.selectFrom('local_adoptions')
		.select(['status', 'note'])
		.where('action_id', '=', input.actionId)
		.where('municipality_id', '=', input.municipalityId)
		.executeTakeFirst();
	const noteChanged = note !== undefined && note !== (before?.note ?? '');
	const statusChanged = input.status !== before?.status;
	if (before && !noteChanged && !statusChanged) {
		return { ok: true, actionTitle: action.title, municipalityName: municipality.name, changed: false };
	}
	const noteSet = noteChanged ? { note, note_updated_at: now, note_updated_by: input.userId } : {};
	const statusSet = statusChanged || !before ? { status: input.status, updated_at: now, updated_by: input.userId } : {};
	await db
		.insertInto('local_adoptions')
		.values({
			action_id: input.actionId,
			municipality_id: input.municipalityId,
			status: input.status,
			note: note ?? '',
			updated_at: now,
			updated_by: input.userId,
			note_updated_at: noteChanged ? now : null,
			note_updated_by: noteChanged ? input.userId : null
		})
		.onConflict((oc) => oc.columns(['action_id', 'municipality_id']).doUpdateSet({ ...statusSet, ...noteSet }))
		.execute();
	return { ok: true, actionTitle: action.title, municipalityName: municipality.name, changed: true };
}

export interface CarriedOutAction {
	actionId: string;
	title: string;
	themeTitle: string;
	themeNumber: string | null;
	report: MunicipalityReport;
}

/**
 * A gemeente's local plan that carries out a regional plan: that plan's
 * local actions with this gemeente's own report. Null when the plan is not
 * a gemeente's plan under a (live) regional plan.
 */
export async function getCarriedOut(
	db: Db,
	plan: Pick<PlanRow, 'scope' | 'municipalityId' | 'parentPlanId' | 'regionId'>,
	roles: UserRoles
): Promise<{ parent: { id: string; title: string }; municipality: { id: string; name: string }; actions: CarriedOutAction[] } | null> {
	if (plan.scope !== 'municipality' || !plan.municipalityId || !plan.parentPlanId) return null;
	const [parent, municipality] = await Promise.all([
		db
			.selectFrom('plans')
			.select(['id', 'title', 'scope', 'region_id'])
			.where('id', '=', plan.parentPlanId)
			.where('archived_at', 'is', null)
			.executeTakeFirst(),
		db.selectFrom('municipalities').select(['id', 'name', 'slug']).where('id', '=', plan.municipalityId).executeTakeFirst()
	]);
	if (!parent || !municipality || parent.scope !== 'region' || !canReadRegion(roles, parent.region_id)) return null;
	const municipalityId = municipality.id;
	const [actions, rows] = await Promise.all([
		db
			.selectFrom('actions')
			.innerJoin('themes', 'themes.id', 'actions.theme_id')
			.select(['actions.id', 'actions.title', 'themes.title as themeTitle', 'themes.number as themeNumber'])
			.where('actions.plan_id', '=', parent.id)
			.where('actions.level', '=', 'local')
			.where('actions.archived_at', 'is', null)
			.where('themes.archived_at', 'is', null)
			.orderBy('themes.position')
			.orderBy('actions.position')
			.execute(),
		adoptionQuery(db).where('a.plan_id', '=', parent.id).where('la.municipality_id', '=', municipalityId).execute()
	]);
	const byAction = new Map(rows.map((r) => [r.action_id, r]));
	const canEdit = canEditAdoption(roles, parent.region_id, municipalityId);
	return {
		parent: { id: parent.id, title: parent.title },
		municipality: { id: municipality.id, name: municipality.name },
		actions: actions.map((a) => ({
			actionId: a.id,
			title: a.title,
			themeTitle: a.themeTitle,
			themeNumber: a.themeNumber,
			report: toReport(municipality, byAction.get(a.id), canEdit)
		}))
	};
}

/** A gemeente's reports on every local action of its region's live regional plans (the gemeente page). */
export async function getMunicipalityReports(db: Db, municipalityId: string, roles: UserRoles) {
	const municipality = await db.selectFrom('municipalities').select(['id', 'name', 'slug', 'region_id']).where('id', '=', municipalityId).executeTakeFirst();
	if (!municipality || !canReadRegion(roles, municipality.region_id)) return [];
	const [actions, rows] = await Promise.all([
		db
			.selectFrom('actions')
			.innerJoin('themes', 'themes.id', 'actions.theme_id')
			.innerJoin('plans', 'plans.id', 'actions.plan_id')
			.select(['actions.id', 'actions.title', 'themes.title as themeTitle', 'themes.number as themeNumber', 'plans.id as planId', 'plans.title as planTitle'])
			.where('plans.region_id', '=', municipality.region_id)
			.where('plans.scope', '=', 'region')
			.where('plans.archived_at', 'is', null)
			.where('actions.level', '=', 'local')
			.where('actions.archived_at', 'is', null)
			.where('themes.archived_at', 'is', null)
			.orderBy('plans.title')
			.orderBy('themes.position')
			.orderBy('actions.position')
			.execute(),
		adoptionQuery(db).where('la.municipality_id', '=', municipalityId).execute()
	]);
	const byAction = new Map(rows.map((r) => [r.action_id, r]));
	const canEdit = canEditAdoption(roles, municipality.region_id, municipalityId);
	const plans = new Map<string, { planId: string; planTitle: string; actions: CarriedOutAction[] }>();
	for (const a of actions) {
		let group = plans.get(a.planId);
		if (!group) plans.set(a.planId, (group = { planId: a.planId, planTitle: a.planTitle, actions: [] }));
		group.actions.push({
			actionId: a.id,
			title: a.title,
			themeTitle: a.themeTitle,
			themeNumber: a.themeNumber,
			report: toReport(municipality, byAction.get(a.id), canEdit)
		});
	}
	return [...plans.values()];
}

// ——— next year's text: the "versterken" flag and the renewed action's link ———

export interface ActionFlag {
	reason: string;
	flaggedAt: number;
	cycleId: string | null;
	cycleTitle: string | null;
}

/** Raises (again) the "versterken" flag on an action. */
export async function raiseFlag(db: Db, input: { actionId: string; cycleId: string | null; reason: string }): Promise<void> {
	const values = { cycle_id: input.cycleId, reason: input.reason.slice(0, NOTE_MAX), flagged_at: Date.now(), cleared_at: null, cleared_by: null };
	await db
		.insertInto('action_flags')
		.values({ action_id: input.actionId, ...values })
		.onConflict((oc) => oc.column('action_id').doUpdateSet(values))
		.execute();
}

/** The flags still up on a plan's actions, by action id. */
export async function activeFlags(db: Db, planId: string): Promise<Map<string, ActionFlag>> {
	const rows = await db
		.selectFrom('action_flags as f')
		.innerJoin('actions as a', 'a.id', 'f.action_id')
		.leftJoin('review_cycles as c', 'c.id', 'f.cycle_id')
		.select(['f.action_id', 'f.reason', 'f.flagged_at', 'f.cycle_id', 'c.title as cycleTitle'])
		.where('a.plan_id', '=', planId)
		.where('f.cleared_at', 'is', null)
		.execute();
	return new Map(rows.map((r) => [r.action_id, { reason: r.reason, flaggedAt: r.flagged_at, cycleId: r.cycle_id, cycleTitle: r.cycleTitle }]));
}

export type ClearError = 'not_found' | 'forbidden' | 'not_flagged';

/** An editor of the action (plan editor, region admin, the theme's ambassador) takes its flag down. */
export async function clearFlag(
	db: Db,
	roles: UserRoles,
	input: { planId: string; actionId: string; userId: string }
): Promise<{ ok: true; title: string } | { ok: false; error: ClearError }> {
	const row = await db
		.selectFrom('actions')
		.innerJoin('plans', 'plans.id', 'actions.plan_id')
		.select(['actions.title', 'actions.theme_id', 'actions.archived_at', 'plans.id as planId', 'plans.region_id', 'plans.scope', 'plans.municipality_id'])
		.where('actions.id', '=', input.actionId)
		.executeTakeFirst();
	if (!row || row.planId !== input.planId || !canReadRegion(roles, row.region_id)) return { ok: false, error: 'not_found' };
	const plan = { regionId: row.region_id, scope: row.scope, municipalityId: row.municipality_id };
	if (row.archived_at !== null || !canEditTheme(roles, plan, row.theme_id)) return { ok: false, error: 'forbidden' };
	const result = await db
		.updateTable('action_flags')
		.set({ cleared_at: Date.now(), cleared_by: input.userId })
		.where('action_id', '=', input.actionId)
		.where('cleared_at', 'is', null)
		.executeTakeFirst();
	if (Number(result.numUpdatedRows) !== 1) return { ok: false, error: 'not_flagged' };
	return { ok: true, title: row.title };
}

export interface ActionLink {
	id: string;
	title: string;
	planId: string;
	archived: boolean;
}

export interface NextYear {
	flag: ActionFlag | null;
	/** may clear the flag */
	canClear: boolean;
	/** the action this one renewed ("Vervolg op …") */
	predecessor: ActionLink | null;
	/** the action that renewed this one ("Opgevolgd door …") */
	successor: ActionLink | null;
}

/** The card's flag and renewal links; null when the user may not read the action. */
export async function getNextYear(db: Db, actionId: string, roles: UserRoles): Promise<NextYear | null> {
	const row = await db
		.selectFrom('actions')
		.innerJoin('plans', 'plans.id', 'actions.plan_id')
		.select(['actions.id', 'actions.theme_id', 'actions.archived_at', 'actions.predecessor_id', 'plans.region_id', 'plans.scope', 'plans.municipality_id'])
		.where('actions.id', '=', actionId)
		.executeTakeFirst();
	if (!row || !canReadRegion(roles, row.region_id)) return null;
	const link = (a: { id: string; title: string; plan_id: string; archived_at: number | null } | undefined): ActionLink | null =>
		a ? { id: a.id, title: a.title, planId: a.plan_id, archived: a.archived_at !== null } : null;
	const [flag, predecessor, successor] = await Promise.all([
		db
			.selectFrom('action_flags as f')
			.leftJoin('review_cycles as c', 'c.id', 'f.cycle_id')
			.select(['f.reason', 'f.flagged_at', 'f.cycle_id', 'c.title as cycleTitle'])
			.where('f.action_id', '=', actionId)
			.where('f.cleared_at', 'is', null)
			.executeTakeFirst(),
		row.predecessor_id
			? db.selectFrom('actions').select(['id', 'title', 'plan_id', 'archived_at']).where('id', '=', row.predecessor_id).executeTakeFirst()
			: Promise.resolve(undefined),
		db
			.selectFrom('actions')
			.select(['id', 'title', 'plan_id', 'archived_at'])
			.where('predecessor_id', '=', actionId)
			.orderBy('created_at', 'desc')
			.executeTakeFirst()
	]);
	const plan = { regionId: row.region_id, scope: row.scope, municipalityId: row.municipality_id };
	return {
		flag: flag ? { reason: flag.reason, flaggedAt: flag.flagged_at, cycleId: flag.cycle_id, cycleTitle: flag.cycleTitle } : null,
		canClear: flag !== undefined && row.archived_at === null && canEditTheme(roles, plan, row.theme_id),
		predecessor: link(predecessor),
		successor: link(successor)
	};
}
