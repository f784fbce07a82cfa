import * as Y from 'yjs';
import { META, type Status } from '../action-doc.ts';
import { docName } from '../doc-name.ts';
import { canEditAdoption, canEditPlan, canEditTheme, canReadRegion, type UserRoles } from './access.ts';
import type { Db } from './db.ts';
import { newId } from './id.ts';
import { atEnd } from './positions.ts';
import { activeFlags } from './local-report.ts';
import type { Insertable } from 'kysely';
import type { ActionLevel, ActionTable, PlanScope } from './schema.ts';

export interface LevelNames {
	chapter: string;
	chapterPlural: string;
	theme: string;
	themePlural: string;
}

export interface FieldDef {
	key: string;
	label: string;
	/** card template only: hidden from the card; its text stays in the document (plan settings) */
	hidden?: boolean;
}

export interface PlanSummary {
	id: string;
	slug: string;
	title: string;
	subtitle: string | null;
	kind: string;
	scope: PlanScope;
	regionId: string;
	regionName: string;
	regionSlug: string;
	municipalityId: string | null;
	municipalityName: string | null;
	periodStart: number;
	periodEnd: number;
	actionCount: number;
	documentName: string;
}

/** Plans with the names of their region and gemeente: the columns every plan list and page shows. */
function planQuery(db: Db) {
	return db
		.selectFrom('plans')
		.innerJoin('regions', 'regions.id', 'plans.region_id')
		.leftJoin('municipalities', 'municipalities.id', 'plans.municipality_id')
		.select([
			'plans.id',
			'plans.slug',
			'plans.title',
			'plans.subtitle',
			'plans.kind',
			'plans.scope',
			'plans.region_id as regionId',
			'regions.name as regionName',
			'regions.slug as regionSlug',
			'plans.municipality_id as municipalityId',
			'municipalities.name as municipalityName',
			'plans.period_start as periodStart',
			'plans.period_end as periodEnd',
		]);
}

/** Plans in every region the user can read, regional plans first. */
export async function listPlans(db: Db, roles: UserRoles): Promise<PlanSummary[]> {
	const rows = await planQuery(db)
		.select((eb) => [
			eb
				.selectFrom('actions')
				.select((e) => e.fn.countAll<number>().as('n'))
				.whereRef('actions.plan_id', '=', 'plans.id')
				.where('actions.archived_at', 'is', null)
				.as('actionCount')
		])
		.where('plans.archived_at', 'is', null)
		.orderBy('regions.name')
		.orderBy('plans.scope', 'desc')
		.orderBy('plans.period_start', 'desc')
		.execute();
	return rows
		.filter((p) => canReadRegion(roles, p.regionId))
		.map((p) => ({ ...p, actionCount: Number(p.actionCount ?? 0), documentName: docName({ kind: 'plan', id: p.id }) }));
}

export interface PlanRow {
	id: string;
	slug: string;
	title: string;
	subtitle: string | null;
	kind: string;
	scope: PlanScope;
	regionId: string;
	regionName: string;
	regionSlug: string;
	municipalityId: string | null;
	municipalityName: string | null;
	periodStart: number;
	periodEnd: number;
	levels: LevelNames;
	themeSections: FieldDef[];
	cardTemplate: FieldDef[];
	introText: string;
	parentPlanId: string | null;
}

export async function getPlan(db: Db, planId: string): Promise<PlanRow | null> {
	const row = await planQuery(db)
		.select([
			'plans.levels',
			'plans.theme_sections',
			'plans.card_template',
			'plans.intro_text as introText',
			'plans.parent_plan_id as parentPlanId'
		])
		.where('plans.id', '=', planId)
		.where('plans.archived_at', 'is', null)
		.executeTakeFirst();
	if (!row) return null;
	const { levels, theme_sections, card_template, ...rest } = row;
	return {
		...rest,
		levels: JSON.parse(levels),
		themeSections: JSON.parse(theme_sections),
		cardTemplate: JSON.parse(card_template)
	};
}

export interface ActionLine {
	id: string;
	themeId: string;
	title: string;
	status: Status;
	level: ActionLevel;
	position: number;
	planningStart: string | null;
	planningEnd: string | null;
	costAmount: number | null;
	fundingSourceId: string | null;
	lead: string | null;
	/** the gemeente the card names */
	municipalityId: string | null;
	progress: number;
	documentName: string;
	/** local actions of a regional plan: gemeenten reporting in progress / done / ongoing, of all */
	adoption: { active: number; total: number } | null;
	/** an evaluation decided "versterken" and no editor cleared the mark yet */
	flagged?: boolean;
}

export interface ThemeOutline {
	id: string;
	chapterId: string | null;
	number: string | null;
	title: string;
	position: number;
	text: string;
	documentName: string;
	ambassadors: { userId: string; name: string; municipalityName: string | null; organisation: string | null }[];
	actions: ActionLine[];
	canEdit: boolean;
}

export interface ChapterOutline {
	id: string;
	title: string;
	themes: ThemeOutline[];
}

export interface PlanOutline {
	plan: PlanRow;
	documentName: string;
	chapters: ChapterOutline[];
	canEdit: boolean;
}

/**
 * The whole plan as the plan page, the board and the JSON API show it:
 * chapters → themes → actions, in order, without archived rows. Four queries,
 * whatever the plan's size.
 */
export async function getPlanOutline(db: Db, planId: string, roles: UserRoles): Promise<PlanOutline | null> {
	const plan = await getPlan(db, planId);
	if (!plan || !canReadRegion(roles, plan.regionId)) return null;
	const [chapters, themes, ambassadors, actions, adoption] = await Promise.all([
		db
			.selectFrom('chapters')
			.select(['id', 'title'])
			.where('plan_id', '=', planId)
			.where('archived_at', 'is', null)
			.orderBy('position')
			.execute(),
		db
			.selectFrom('themes')
			.select(['id', 'chapter_id', 'number', 'title', 'position', 'text'])
			.where('plan_id', '=', planId)
			.where('archived_at', 'is', null)
			.orderBy('position')
			.execute(),
		db
			.selectFrom('theme_ambassadors as ta')
			.innerJoin('themes as t', 't.id', 'ta.theme_id')
			.innerJoin('users as u', 'u.id', 'ta.user_id')
			.leftJoin('municipalities as m', 'm.id', 'ta.municipality_id')
			.select(['ta.theme_id', 'u.id as userId', 'u.name', 'm.name as municipalityName', 'ta.organisation'])
			.where('t.plan_id', '=', planId)
			.orderBy('u.name')
			.execute(),
		db
			.selectFrom('actions')
			.select([
				'id',
				'theme_id',
				'title',
				'status',
				'level',
				'position',
				'planning_start',
				'planning_end',
				'cost_amount',
				'funding_source_id',
				'lead',
				'municipality_id',
				'progress'
			])
			.where('plan_id', '=', planId)
			.where('archived_at', 'is', null)
			.orderBy('position')
			.execute(),
		db
			.selectFrom('local_adoptions as la')
			.innerJoin('actions as a', 'a.id', 'la.action_id')
			.select((eb) => [
				'la.action_id',
				eb.fn.countAll<number>().as('total'),
				eb.fn.sum<number>(eb.case().when('la.status', 'in', ['in_progress', 'done', 'ongoing']).then(1).else(0).end()).as('active')
			])
			.where('a.plan_id', '=', planId)
			.groupBy('la.action_id')
			.execute()
	]);
	const adoptionByAction = new Map(adoption.map((a) => [a.action_id, { active: Number(a.active ?? 0), total: Number(a.total) }]));
	const flags = await activeFlags(db, planId);
	const planEditable = canEditPlan(roles, plan);
	const themeOutlines = themes.map<ThemeOutline>((t) => ({
		id: t.id,
		chapterId: t.chapter_id,
		number: t.number,
		title: t.title,
		position: t.position,
		text: t.text,
		documentName: docName({ kind: 'theme', id: t.id }),
		ambassadors: ambassadors
			.filter((a) => a.theme_id === t.id)
			.map((a) => ({ userId: a.userId, name: a.name, municipalityName: a.municipalityName, organisation: a.organisation })),
		actions: [],
		canEdit: canEditTheme(roles, plan, t.id)
	}));
	const themeById = new Map(themeOutlines.map((t) => [t.id, t]));
	for (const a of actions) {
		themeById.get(a.theme_id)?.actions.push({
			id: a.id,
			themeId: a.theme_id,
			title: a.title,
			status: a.status,
			level: a.level,
			position: a.position,
			planningStart: a.planning_start,
			planningEnd: a.planning_end,
			costAmount: a.cost_amount,
			fundingSourceId: a.funding_source_id,
			lead: a.lead,
			municipalityId: a.municipality_id,
			progress: a.progress,
			documentName: docName({ kind: 'action', id: a.id }),
			adoption: adoptionByAction.get(a.id) ?? null,
			flagged: flags.has(a.id)
		});
	}
	const outlines: ChapterOutline[] = chapters.map((c) => ({
		id: c.id,
		title: c.title,
		themes: themeOutlines.filter((t) => t.chapterId === c.id)
	}));
	const loose = themeOutlines.filter((t) => !t.chapterId || !chapters.some((c) => c.id === t.chapterId));
	if (loose.length) outlines.push({ id: '', title: '', themes: loose });
	return { plan, documentName: docName({ kind: 'plan', id: planId }), chapters: outlines, canEdit: planEditable };
}

export interface ActionContext {
	action: { id: string; themeId: string; title: string; level: ActionLevel; status: Status; documentName: string };
	theme: { id: string; title: string; number: string | null };
	plan: PlanRow;
	canEdit: boolean;
	/** set when the action is archived: the card opens read-only with a banner */
	archived: { at: number; byName: string | null; themeArchived: boolean } | null;
	/** may restore it from its card (plan editors, archived actions only) */
	canRestore: boolean;
	fundingSources: { id: string; name: string; scope: string; archived: boolean }[];
}

export async function getActionContext(db: Db, actionId: string, roles: UserRoles): Promise<ActionContext | null> {
	const row = await db
		.selectFrom('actions')
		.innerJoin('themes', 'themes.id', 'actions.theme_id')
		.select([
			'actions.id',
			'actions.plan_id',
			'actions.theme_id',
			'actions.title',
			'actions.level',
			'actions.status',
			'themes.title as themeTitle',
			'themes.number as themeNumber',
			'actions.archived_at',
			'themes.archived_at as themeArchivedAt',
			(eb) => eb.selectFrom('users').select('users.name').whereRef('users.id', '=', 'actions.archived_by').as('archivedByName')
		])
		.where('actions.id', '=', actionId)
		.executeTakeFirst();
	if (!row) return null;
	const plan = await getPlan(db, row.plan_id);
	if (!plan || !canReadRegion(roles, plan.regionId)) return null;
	const fundingSources = await db
		.selectFrom('funding_sources')
		.select(['id', 'name', 'scope', 'archived_at'])
		.where('plan_id', '=', plan.id)
		.orderBy('name')
		.execute();
	return {
		action: {
			id: row.id,
			themeId: row.theme_id,
			title: row.title,
			level: row.level,
			status: row.status,
			documentName: docName({ kind: 'action', id: row.id })
		},
		theme: { id: row.theme_id, title: row.themeTitle, number: row.themeNumber },
		plan,
		// an archived card stays readable (links keep working), read-only until it is restored
		archived: row.archived_at !== null ? { at: row.archived_at, byName: row.archivedByName ?? null, themeArchived: row.themeArchivedAt !== null } : null,
		canEdit: row.archived_at === null && canEditTheme(roles, plan, row.theme_id),
		canRestore: row.archived_at !== null && canEditPlan(roles, plan),
		// archived sources too, flagged: a card that already names one keeps showing it
		fundingSources: fundingSources.map((s) => ({ id: s.id, name: s.name, scope: s.scope, archived: s.archived_at !== null }))
	};
}

/** The first state of a new action card's document. */
export function newActionDocument(title: string): Uint8Array {
	const doc = new Y.Doc();
	const meta = doc.getMap(META);
	doc.transact(() => {
		meta.set('title', title);
		meta.set('status', 'not_started');
		meta.set('partners', []);
		meta.set('tags', []);
		meta.set('progress', 0);
	});
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

/**
 * A new action's row: structure only. Its title, status and other fields are
 * projected from its document after the first change.
 */
export function newActionRow(
	input: { id: string; planId: string; themeId: string; position: number; level: ActionLevel; title: string },
	now = Date.now()
): Insertable<ActionTable> {
	return {
		id: input.id,
		plan_id: input.planId,
		theme_id: input.themeId,
		position: input.position,
		level: input.level,
		title: input.title,
		status: 'not_started',
		planning_start: null,
		planning_end: null,
		cost_amount: null,
		funding_source_id: null,
		funding_note: null,
		lead: null,
		predecessor_id: null,
		archived_at: null,
		archive_reason: null,
		created_at: now,
		updated_at: now
	};
}

export async function createAction(
	db: Db,
	input: { planId: string; themeId: string; level: ActionLevel; title: string },
	createDocument: (name: string, update: Uint8Array) => unknown
): Promise<string> {
	const id = newId();
	const now = Date.now();
	await createDocument(docName({ kind: 'action', id }), newActionDocument(input.title));
	await atEnd(db, 'actions', input.themeId, async (trx, position) => {
		await trx
			.insertInto('actions')
			.values(newActionRow({ id, planId: input.planId, themeId: input.themeId, position, level: input.level, title: input.title }, now))
			.execute();
		const plan = await trx.selectFrom('plans').select(['scope', 'region_id']).where('id', '=', input.planId).executeTakeFirstOrThrow();
		if (plan.scope === 'region' && input.level === 'local') {
			const municipalities = await trx.selectFrom('municipalities').select('id').where('region_id', '=', plan.region_id).execute();
			if (municipalities.length) {
				await trx
					.insertInto('local_adoptions')
					.values(municipalities.map((m) => ({ action_id: id, municipality_id: m.id, status: 'not_started' as const, note: '', updated_at: now, updated_by: null })))
					.execute();
			}
		}
	});
	return id;
}

/**
 * Moves an action one place up or down among the actions of the same level
 * in its theme (the two columns of the plan page). Returns false at the edge.
 */
export async function moveAction(db: Db, actionId: string, direction: 'up' | 'down'): Promise<boolean> {
	const action = await db.selectFrom('actions').select(['id', 'theme_id', 'level', 'position']).where('id', '=', actionId).executeTakeFirst();
	if (!action) return false;
	const neighbour = await db
		.selectFrom('actions')
		.select(['id', 'position'])
		.where('theme_id', '=', action.theme_id)
		.where('level', '=', action.level)
		.where('archived_at', 'is', null)
		.where('position', direction === 'up' ? '<' : '>', action.position)
		.orderBy('position', direction === 'up' ? 'desc' : 'asc')
		.limit(1)
		.executeTakeFirst();
	if (!neighbour) return false;
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('actions').set({ position: neighbour.position }).where('id', '=', action.id).execute();
		await trx.updateTable('actions').set({ position: action.position }).where('id', '=', neighbour.id).execute();
	});
	return true;
}

/** Moves an action to the end of another theme of the same plan. */
export async function moveActionToTheme(db: Db, actionId: string, themeId: string): Promise<boolean> {
	const action = await db.selectFrom('actions').select(['plan_id', 'theme_id']).where('id', '=', actionId).executeTakeFirst();
	const theme = await db.selectFrom('themes').select(['plan_id']).where('id', '=', themeId).where('archived_at', 'is', null).executeTakeFirst();
	if (!action || !theme || theme.plan_id !== action.plan_id || action.theme_id === themeId) return false;
	await atEnd(db, 'actions', themeId, (trx, position) =>
		trx.updateTable('actions').set({ theme_id: themeId, position, updated_at: Date.now() }).where('id', '=', actionId).execute()
	);
	return true;
}

export async function archiveAction(db: Db, actionId: string, reason: string | null, userId: string | null = null): Promise<void> {
	await db
		.updateTable('actions')
		.set({ archived_at: Date.now(), archived_by: userId, archive_reason: reason })
		.where('id', '=', actionId)
		.execute();
}

export async function createTheme(
	db: Db,
	input: { planId: string; chapterId: string | null; title: string },
	createDocument: (name: string, update: Uint8Array) => unknown
): Promise<string> {
	const id = newId();
	const doc = new Y.Doc();
	await createDocument(docName({ kind: 'theme', id }), Y.encodeStateAsUpdate(doc));
	doc.destroy();
	await atEnd(db, 'themes', input.planId, (trx, position) =>
		trx
			.insertInto('themes')
			.values({ id, plan_id: input.planId, chapter_id: input.chapterId, position, number: null, title: input.title, archived_at: null, updated_at: Date.now() })
			.execute()
	);
	return id;
}

export interface MatrixCell {
	status: Status;
	note: string;
	canEdit: boolean;
}

export interface Matrix {
	municipalities: { id: string; name: string; slug: string }[];
	rows: { actionId: string; title: string; themeTitle: string; themeNumber: string | null; cells: Record<string, MatrixCell> }[];
}

/** The local-action matrix: the regional plan's local actions × its gemeenten. */
export async function getMatrix(db: Db, plan: PlanRow, roles: UserRoles): Promise<Matrix> {
	const [municipalities, actions, adoptions] = await Promise.all([
		db.selectFrom('municipalities').select(['id', 'name', 'slug']).where('region_id', '=', plan.regionId).orderBy('name').execute(),
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
		db
			.selectFrom('local_adoptions as la')
			.innerJoin('actions as a', 'a.id', 'la.action_id')
			.select(['la.action_id', 'la.municipality_id', 'la.status', 'la.note'])
			.where('a.plan_id', '=', plan.id)
			.execute()
	]);
	const byKey = new Map(adoptions.map((a) => [`${a.action_id}:${a.municipality_id}`, a]));
	return {
		municipalities,
		rows: actions.map((a) => ({
			actionId: a.id,
			title: a.title,
			themeTitle: a.themeTitle,
			themeNumber: a.themeNumber,
			cells: Object.fromEntries(
				municipalities.map((m) => {
					const cell = byKey.get(`${a.id}:${m.id}`);
					return [
						m.id,
						{ status: cell?.status ?? 'not_started', note: cell?.note ?? '', canEdit: canEditAdoption(roles, plan.regionId, m.id) }
					];
				})
			)
		}))
	};
}

export async function setAdoption(
	db: Db,
	input: { actionId: string; municipalityId: string; status: Status; note?: string; userId: string }
): Promise<void> {
	const now = Date.now();
	await db
		.insertInto('local_adoptions')
		.values({ action_id: input.actionId, municipality_id: input.municipalityId, status: input.status, note: input.note ?? '', updated_at: now, updated_by: input.userId })
		.onConflict((oc) =>
			oc.columns(['action_id', 'municipality_id']).doUpdateSet({
				status: input.status,
				...(input.note !== undefined ? { note: input.note } : {}),
				updated_at: now,
				updated_by: input.userId
			})
		)
		.execute();
}

export const PLAN_KINDS = ['uitvoeringsagenda', 'regiovisie', 'actieprogramma', 'uitvoeringsplan'] as const;
export const THEME_WORDS: Record<string, string> = {
	speerpunt: 'speerpunten',
	vertrekpunt: 'vertrekpunten',
	doelstelling: 'doelstellingen',
	thema: "thema's"
};

/** SPEC's default action card: the fields of the Arnhem card (seed 000). */
export const DEFAULT_CARD_TEMPLATE: FieldDef[] = [
	{ key: 'current_state', label: 'Huidige stand van zaken' },
	{ key: 'description', label: 'Omschrijving actie' },
	{ key: 'intended_result', label: 'Beoogd resultaat' },
	{ key: 'regional_cooperation', label: 'Regionale samenwerking' },
	{ key: 'who', label: 'Wie gaat dit doen' },
	{ key: 'cost_notes', label: 'Kosten en dekking' }
];

export async function createPlan(
	db: Db,
	input: {
		regionId: string;
		municipalityId: string | null;
		kind: (typeof PLAN_KINDS)[number];
		title: string;
		periodStart: number;
		periodEnd: number;
		themeWord: string;
	},
	createDocument: (name: string, update: Uint8Array) => unknown
): Promise<string> {
	const id = newId();
	const now = Date.now();
	const slug = `${input.title
		.toLowerCase()
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 60)}-${id.slice(0, 6)}`;
	const doc = new Y.Doc();
	await createDocument(docName({ kind: 'plan', id }), Y.encodeStateAsUpdate(doc));
	doc.destroy();
	await db
		.insertInto('plans')
		.values({
			id,
			slug,
			region_id: input.regionId,
			municipality_id: input.municipalityId,
			scope: input.municipalityId ? 'municipality' : 'region',
			kind: input.kind,
			title: input.title,
			subtitle: null,
			period_start: input.periodStart,
			period_end: input.periodEnd,
			parent_plan_id: null,
			levels: JSON.stringify({
				chapter: 'hoofdstuk',
				chapterPlural: 'hoofdstukken',
				theme: input.themeWord,
				themePlural: THEME_WORDS[input.themeWord] ?? input.themeWord
			}),
			theme_sections: JSON.stringify([{ key: 'approach', label: 'Zo doen we dat' }]),
			card_template: JSON.stringify(DEFAULT_CARD_TEMPLATE),
			archived_at: null,
			created_at: now,
			updated_at: now
		})
		.execute();
	await db.insertInto('chapters').values({ id: newId(), plan_id: id, position: 1, title: '', archived_at: null }).execute();
	return id;
}
