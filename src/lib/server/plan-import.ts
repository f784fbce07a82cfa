import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserRoles } from './access.ts';
import type { Db } from './db.ts';
import { DEFAULT_CARD_TEMPLATE, PLAN_KINDS, type FieldDef, type LevelNames } from './plan.ts';
import { insertPlan, type DemoAction, type DemoPlanFile, type WriteDocument } from './plan-seed.ts';
import type { Block } from './rich-text.ts';
import type { ParsedPlan } from './word-import.ts';

/**
 * Turning a Word plan read by word-import.ts into a Kring plan, through the
 * same path as the demo plans (plan-seed.ts insertPlan), in one transaction.
 * Also who may import, and where the uploaded file waits between the
 * preview and "Plan aanmaken".
 */

/** Region admins and editors import; other members get 403, everyone else 404. */
export async function importAccess(
	db: Db,
	roles: UserRoles,
	slug: string
): Promise<{ region: { id: string; slug: string; name: string }; allowed: boolean } | null> {
	const region = await db.selectFrom('regions').select(['id', 'slug', 'name']).where('slug', '=', slug).executeTakeFirst();
	if (!region) return null;
	const role = roles.regionRoles.get(region.id);
	if (role === 'admin' || role === 'editor') return { region, allowed: true };
	const member =
		role !== undefined ||
		[...roles.municipalEditor.values()].includes(region.id) ||
		[...roles.ambassadorOf.values()].includes(region.id);
	return member ? { region, allowed: false } : null;
}

// ---------------------------------------------------------------------------
// The uploaded file between preview and create: a temporary file with a random
// id, bound to the user and region, deleted after use or after an hour.

const UPLOAD_DIR = join(tmpdir(), 'kring-imports');
export const UPLOAD_TTL_MS = 60 * 60 * 1000;

interface UploadMeta {
	userId: string;
	regionId: string;
	fileName: string;
	createdAt: number;
}

function sweepUploads(now = Date.now()): void {
	let names: string[];
	try {
		names = readdirSync(UPLOAD_DIR);
	} catch {
		return;
	}
	for (const name of names) {
		const path = join(UPLOAD_DIR, name);
		try {
			if (now - statSync(path).mtimeMs > UPLOAD_TTL_MS) rmSync(path, { force: true });
		} catch {
			// gone already
		}
	}
}

export function storeUpload(bytes: Uint8Array, meta: Omit<UploadMeta, 'createdAt'>): string {
	sweepUploads();
	mkdirSync(UPLOAD_DIR, { recursive: true, mode: 0o700 });
	const id = randomBytes(18).toString('base64url');
	writeFileSync(join(UPLOAD_DIR, `${id}.docx`), bytes, { mode: 0o600 });
	writeFileSync(join(UPLOAD_DIR, `${id}.json`), JSON.stringify({ ...meta, createdAt: Date.now() }), { mode: 0o600 });
	return id;
}

/** The stored upload, only for the user and region it was uploaded for and within the hour. */
export function loadUpload(id: string, userId: string, regionId: string): { bytes: Uint8Array; fileName: string } | null {
	if (!/^[A-Za-z0-9_-]{24}$/.test(id)) return null;
	sweepUploads();
	try {
		const meta = JSON.parse(readFileSync(join(UPLOAD_DIR, `${id}.json`), 'utf8')) as UploadMeta;
		if (meta.userId !== userId || meta.regionId !== regionId || Date.now() - meta.createdAt > UPLOAD_TTL_MS) return null;
		return { bytes: readFileSync(join(UPLOAD_DIR, `${id}.docx`)), fileName: meta.fileName };
	} catch {
		return null;
	}
}

export function deleteUpload(id: string): void {
	if (!/^[A-Za-z0-9_-]{24}$/.test(id)) return;
	rmSync(join(UPLOAD_DIR, `${id}.docx`), { force: true });
	rmSync(join(UPLOAD_DIR, `${id}.json`), { force: true });
}

// ---------------------------------------------------------------------------
// Creating the plan

export interface CreateImportInput {
	regionId: string;
	/** a plan of this gemeente; null: a regional plan */
	municipalityId: string | null;
	title: string;
	kind: (typeof PLAN_KINDS)[number];
	periodStart: number;
	periodEnd: number;
	words: LevelNames;
	/** the level of actions the document does not give one (card tables) */
	defaultLevel: 'regional' | 'local';
}

const normLabel = (label: string) =>
	label
		.replace(/[\s:?.]+$/, '')
		.trim()
		.toLowerCase();

/** The plan's card template: the labels the actions use, in order, with Kring's keys for the known ones. */
export function cardTemplateFor(plan: ParsedPlan): FieldDef[] {
	const fields: FieldDef[] = [];
	const used = new Set<string>();
	for (const action of plan.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions))) {
		for (const f of action.fields) {
			const known = DEFAULT_CARD_TEMPLATE.find((d) => normLabel(d.label) === normLabel(f.label));
			if (fields.some((x) => normLabel(x.label) === normLabel(f.label))) continue;
			let key =
				known?.key ??
				(normLabel(f.label)
					.normalize('NFD')
					.replace(/[\u0300-\u036f]/g, '')
					.replace(/[^a-z0-9]+/g, '_')
					.replace(/^_|_$/g, '')
					.slice(0, 40) ||
					'field');
			if (!/^[a-z]/.test(key)) key = `f_${key}`;
			let unique = key;
			for (let n = 2; used.has(unique); n++) unique = `${key}_${n}`;
			used.add(unique);
			fields.push({ key: unique, label: f.label });
		}
	}
	return fields;
}

/** "Start: 2024 Eind: 2026", "maart 2025 - doorlopend" → planning start and end (YYYY-MM). */
export function planningOf(text: string): { planningStart?: string; planningEnd?: string } {
	const out: { planningStart?: string; planningEnd?: string } = {};
	const years = [...text.matchAll(/\b(20\d\d)\b/g)].map((m) => m[1]);
	if (years.length) {
		out.planningStart = `${years[0]}-01`;
		if (years.length > 1) out.planningEnd = `${years[years.length - 1]}-12`;
	}
	if (/doorlopend|structureel/i.test(text)) out.planningEnd = 'ongoing';
	return out;
}

/** "€ 25.000 uit …" → 25000 (euro); null when the text names no amount. */
export function costOf(text: string): number | null {
	const m = /€\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?(?:\s*(mln|miljoen))?/i.exec(text);
	if (!m) return null;
	const value = Number(m[1].replace(/\./g, '')) * (m[3] ? 1_000_000 : 1);
	return Number.isFinite(value) ? Math.round(value) : null;
}

const plainText = (blocks: Block[]) =>
	blocks
		.flatMap((b) => (b.type === 'bulletList' || b.type === 'orderedList' ? b.items : [b.text]))
		.map((t) => (typeof t === 'string' ? t : t.map((r) => r.text).join('')))
		.join(' ');

const personName = (text: string) =>
	text
		.replace(/\(.*?\)/g, '')
		.replace(/\s+/g, ' ')
		.trim()
		.toLowerCase();

/**
 * Creates the plan in one transaction: rows and the Yjs documents (intro,
 * themes, cards) with their formatting. Ambassadors that are people of the
 * region (by name) become the theme's ambassadors; other names stay in the
 * theme's text. Returns the new plan's id.
 */
export async function createImportedPlan(db: Db, plan: ParsedPlan, input: CreateImportInput, writeDocument: WriteDocument): Promise<string> {
	const region = await db.selectFrom('regions').select(['id', 'slug']).where('id', '=', input.regionId).executeTakeFirstOrThrow();
	const municipalities = await db.selectFrom('municipalities').select(['id', 'slug', 'region_id']).execute();
	const municipality = input.municipalityId ? municipalities.find((m) => m.id === input.municipalityId) : undefined;
	if (input.municipalityId && municipality?.region_id !== region.id) throw new Error('municipality outside the region');
	const people = await db
		.selectFrom('users')
		.select(['users.id', 'users.name'])
		.where((eb) =>
			eb.or([
				eb('users.id', 'in', eb.selectFrom('region_memberships').select('user_id').where('region_id', '=', region.id)),
				eb(
					'users.id',
					'in',
					eb
						.selectFrom('municipality_memberships')
						.innerJoin('municipalities', 'municipalities.id', 'municipality_memberships.municipality_id')
						.select('municipality_memberships.user_id')
						.where('municipalities.region_id', '=', region.id)
				)
			])
		)
		.execute();
	const byName = new Map(people.map((p) => [personName(p.name), p.id]));

	const cardTemplate = cardTemplateFor(plan);
	const keyOf = new Map(cardTemplate.map((f) => [normLabel(f.label), f.key]));
	const sectionKey = plan.found.hasApproach ? 'approach' : 'text';
	const file: DemoPlanFile = {
		slug: '',
		kind: input.kind,
		title: input.title,
		scope: input.municipalityId ? 'municipality' : 'region',
		region: region.slug,
		municipality: municipality?.slug,
		periodStart: input.periodStart,
		periodEnd: input.periodEnd,
		levels: { ...input.words },
		themeSections: [{ key: sectionKey, label: plan.found.hasApproach ? 'Zo doen we dat' : 'Toelichting' }],
		cardTemplate,
		intro: plan.intro,
		chapters: plan.chapters.map((chapter) => ({
			title: chapter.title ?? '',
			themes: chapter.themes.map((theme) => {
				const matched = theme.ambassadors.map((name) => ({ name, userId: byName.get(personName(name)) }));
				const unknown = matched.filter((a) => !a.userId).map((a) => a.name);
				const blocks: Block[] = [...theme.blocks];
				if (unknown.length) blocks.push({ type: 'paragraph', text: `Ambassadeurs: ${unknown.join(', ')}` });
				return {
					number: theme.number ?? undefined,
					title: theme.title,
					sections: { [sectionKey]: blocks },
					ambassadors: matched.filter((a) => a.userId).map((a) => ({ name: a.name, userId: a.userId })),
					actions: theme.actions.map((action): DemoAction => {
						const fields: Record<string, Block[]> = {};
						let planning: ReturnType<typeof planningOf> = {};
						let costAmount: number | undefined;
						for (const f of action.fields) {
							const key = keyOf.get(normLabel(f.label));
							if (!key) continue;
							fields[key] = [...(fields[key] ?? []), ...f.blocks];
							const label = normLabel(f.label);
							if (label === 'planning' || label === 'wanneer gereed') planning = { ...planning, ...planningOf(plainText(f.blocks)) };
							if (label.startsWith('kosten')) costAmount = costOf(plainText(f.blocks)) ?? costAmount;
						}
						return {
							level: action.level ?? input.defaultLevel,
							title: action.title.slice(0, 500),
							status: 'not_started',
							fields,
							...planning,
							...(costAmount !== undefined ? { costAmount } : {})
						};
					})
				};
			})
		}))
	};
	const slug = `${input.title
		.toLowerCase()
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 60)}-${randomBytes(3).toString('hex')}`;
	file.slug = slug;
	return db.transaction().execute((trx) =>
		insertPlan(trx, file, { regionId: region.id, municipalities, parentPlanId: null, demoAdoptions: false }, writeDocument)
	);
}
