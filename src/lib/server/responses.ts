import type { Db } from './db.ts';
import { decidingMunicipalities, isCalendarDate } from './adoption.ts';
import { newId } from './id.ts';
import { atEnd } from './positions.ts';
import type { ResponseBody, ResponseOutcome } from './schema.ts';

/**
 * The council responses register (zienswijzen) of a version: what each
 * gemeente's council or committee said, linked to one or more themes or
 * actions of that plan, with the region's answer and what was done with it
 * (verwerkt, deels, niet — and why).
 */

export const RESPONSE_BODIES = ['council', 'committee'] as const satisfies readonly ResponseBody[];
export const RESPONSE_OUTCOMES = ['processed', 'partly', 'not'] as const satisfies readonly ResponseOutcome[];
export type ResponseError = 'not_found' | 'not_in_region' | 'foreign_target' | 'no_target' | 'bad_date' | 'reason_needed' | 'answer_needed';

export interface ResponseTarget {
	kind: 'theme' | 'action';
	id: string;
	title: string;
	number: string | null;
	archived: boolean;
}

export interface ResponseRow {
	id: string;
	versionId: string;
	municipalityId: string;
	municipalityName: string;
	body: ResponseBody;
	text: string;
	receivedOn: string;
	answer: string;
	outcome: ResponseOutcome | null;
	outcomeReason: string;
	targets: ResponseTarget[];
}

/** The themes and actions of a plan by id (archived ones too: a response may be about an action that was later dropped). */
async function planTargets(db: Db, planId: string): Promise<Map<string, ResponseTarget>> {
	const [themes, actions] = await Promise.all([
		db.selectFrom('themes').select(['id', 'title', 'number', 'archived_at']).where('plan_id', '=', planId).execute(),
		db.selectFrom('actions').select(['id', 'title', 'archived_at']).where('plan_id', '=', planId).execute()
	]);
	const out = new Map<string, ResponseTarget>();
	for (const t of themes) out.set(t.id, { kind: 'theme', id: t.id, title: t.title, number: t.number, archived: t.archived_at !== null });
	for (const a of actions) out.set(a.id, { kind: 'action', id: a.id, title: a.title, number: null, archived: a.archived_at !== null });
	return out;
}

/** The rule on an answer: an outcome needs an answer, and "deels" or "niet" needs its why. */
export function answerCheck(input: { answer: string; outcome: ResponseOutcome | null; outcomeReason: string }): { ok: true } | { ok: false; error: ResponseError } {
	if (input.outcome && !input.answer.trim()) return { ok: false, error: 'answer_needed' };
	if ((input.outcome === 'partly' || input.outcome === 'not') && !input.outcomeReason.trim()) return { ok: false, error: 'reason_needed' };
	return { ok: true };
}

async function versionPlan(db: Db, versionId: string) {
	return db
		.selectFrom('plan_versions as v')
		.innerJoin('plans as p', 'p.id', 'v.plan_id')
		.select(['v.id', 'p.id as planId', 'p.region_id as regionId', 'p.scope', 'p.municipality_id as municipalityId'])
		.where('v.id', '=', versionId)
		.executeTakeFirst();
}

export async function listResponses(db: Db, versionId: string): Promise<ResponseRow[]> {
	const version = await versionPlan(db, versionId);
	if (!version) return [];
	const [rows, links, targets] = await Promise.all([
		db
			.selectFrom('council_responses as r')
			.innerJoin('municipalities as m', 'm.id', 'r.municipality_id')
			.selectAll('r')
			.select(['m.name as municipalityName'])
			.where('r.version_id', '=', versionId)
			.orderBy('m.name')
			.orderBy('r.position')
			.execute(),
		db
			.selectFrom('council_response_links as l')
			.innerJoin('council_responses as r', 'r.id', 'l.response_id')
			.select(['l.response_id', 'l.target_id'])
			.where('r.version_id', '=', versionId)
			.execute(),
		planTargets(db, version.planId)
	]);
	return rows.map((r) => ({
		id: r.id,
		versionId: r.version_id,
		municipalityId: r.municipality_id,
		municipalityName: r.municipalityName,
		body: r.body,
		text: r.text,
		receivedOn: r.received_on,
		answer: r.answer,
		outcome: r.outcome,
		outcomeReason: r.outcome_reason,
		targets: links.filter((l) => l.response_id === r.id).flatMap((l) => targets.get(l.target_id) ?? [])
	}));
}

export interface NewResponse {
	versionId: string;
	municipalityId: string;
	body: ResponseBody;
	text: string;
	receivedOn: string;
	targetIds: string[];
	answer?: string;
	outcome?: ResponseOutcome | null;
	outcomeReason?: string;
	userId: string;
}

/** Adds a response. Every linked theme or action must be of the version's own plan; otherwise nothing is stored. */
export async function addResponse(db: Db, input: NewResponse): Promise<{ ok: true; id: string } | { ok: false; error: ResponseError }> {
	const version = await versionPlan(db, input.versionId);
	if (!version) return { ok: false, error: 'not_found' };
	if (!isCalendarDate(input.receivedOn)) return { ok: false, error: 'bad_date' };
	const deciding = await decidingMunicipalities(db, version);
	if (!deciding.some((m) => m.id === input.municipalityId)) return { ok: false, error: 'not_in_region' };
	const ids = [...new Set(input.targetIds)];
	if (ids.length === 0) return { ok: false, error: 'no_target' };
	const targets = await planTargets(db, version.planId);
	if (ids.some((id) => !targets.has(id))) return { ok: false, error: 'foreign_target' };
	const answer = { answer: input.answer ?? '', outcome: input.outcome ?? null, outcomeReason: input.outcomeReason ?? '' };
	const check = answerCheck(answer);
	if (!check.ok) return check;
	const id = newId();
	const now = Date.now();
	await atEnd(db, 'council_responses', input.versionId, async (trx, position) => {
		await trx
			.insertInto('council_responses')
			.values({
				id,
				version_id: input.versionId,
				municipality_id: input.municipalityId,
				body: input.body,
				text: input.text,
				received_on: input.receivedOn,
				answer: answer.answer,
				outcome: answer.outcome,
				outcome_reason: answer.outcomeReason,
				position,
				created_by: input.userId,
				created_at: now,
				updated_at: now
			})
			.execute();
		await trx
			.insertInto('council_response_links')
			.values(ids.map((target) => ({ response_id: id, target_kind: targets.get(target)!.kind, target_id: target })))
			.execute();
	});
	return { ok: true, id };
}

/** The region's answer and what was done with it. */
export async function answerResponse(
	db: Db,
	input: { versionId: string; responseId: string; answer: string; outcome: ResponseOutcome | null; outcomeReason: string }
): Promise<{ ok: true } | { ok: false; error: ResponseError }> {
	const check = answerCheck(input);
	if (!check.ok) return check;
	const result = await db
		.updateTable('council_responses')
		.set({ answer: input.answer, outcome: input.outcome, outcome_reason: input.outcome === 'processed' ? '' : input.outcomeReason, updated_at: Date.now() })
		.where('id', '=', input.responseId)
		.where('version_id', '=', input.versionId)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1 ? { ok: true } : { ok: false, error: 'not_found' };
}

export async function removeResponse(db: Db, versionId: string, responseId: string): Promise<boolean> {
	const result = await db.deleteFrom('council_responses').where('id', '=', responseId).where('version_id', '=', versionId).executeTakeFirst();
	return Number(result.numDeletedRows) === 1;
}

/** The responses about one action (linked to it directly), over all versions of its plan, newest version first. */
export async function responsesForAction(db: Db, actionId: string) {
	return db
		.selectFrom('council_response_links as l')
		.innerJoin('council_responses as r', 'r.id', 'l.response_id')
		.innerJoin('plan_versions as v', 'v.id', 'r.version_id')
		.innerJoin('municipalities as m', 'm.id', 'r.municipality_id')
		.select([
			'r.id',
			'r.version_id as versionId',
			'v.label as versionLabel',
			'm.name as municipalityName',
			'r.body',
			'r.text',
			'r.received_on as receivedOn',
			'r.answer',
			'r.outcome',
			'r.outcome_reason as outcomeReason'
		])
		.where('l.target_id', '=', actionId)
		.orderBy('v.created_at', 'desc')
		.orderBy('m.name')
		.orderBy('r.position')
		.execute();
}
