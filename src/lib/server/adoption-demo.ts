import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './db.ts';
import { recordAdoption } from './adoption.ts';
import { setFocus } from './focus.ts';
import { addResponse, RESPONSE_BODIES, RESPONSE_OUTCOMES } from './responses.ts';
import type { AdoptionDecision, ResponseBody, ResponseOutcome } from './schema.ts';
import { insertVersion, takeSnapshot, type ReadDocument } from './version.ts';

/**
 * Demo data for the adoption cycle (server/demo/kennemerland-zienswijzen.json):
 * Kennemerland's Actieprogramma frozen as a version, adopted by its eight
 * colleges, with the councils' real responses from seed 004, each linked to
 * its activity or doelstelling, and the focus of 2021.
 */

interface DemoAdoptionFile {
	plan: string;
	version: { label: string; frozenOn: string };
	adoptions: { municipality: string; decision: AdoptionDecision; decidedOn: string; reference: string; councilInformed: boolean }[];
	focus: Record<string, string[]>;
	responses: {
		municipality: string;
		body: ResponseBody;
		receivedOn: string;
		text: string;
		answer: string;
		outcome: ResponseOutcome;
		outcomeReason: string;
		targets: string[];
	}[];
}

export const DEMO_ADOPTION_FILE = 'kennemerland-zienswijzen.json';

export async function seedAdoptionDemo(db: Db, demoDir: string, readDocument: ReadDocument): Promise<void> {
	const file = JSON.parse(await readFile(join(demoDir, DEMO_ADOPTION_FILE), 'utf8')) as DemoAdoptionFile;
	const plan = await db.selectFrom('plans').select(['id', 'region_id']).where('slug', '=', file.plan).executeTakeFirst();
	if (!plan) return;
	const admin = await db.selectFrom('users').select(['id']).where('email', '=', 'beheerder@kring.example').executeTakeFirstOrThrow();
	const [themes, actions, municipalities] = await Promise.all([
		db.selectFrom('themes').select(['id', 'number', 'title']).where('plan_id', '=', plan.id).execute(),
		db.selectFrom('actions').select(['id', 'title']).where('plan_id', '=', plan.id).execute(),
		db.selectFrom('municipalities').select(['id', 'slug']).where('region_id', '=', plan.region_id).execute()
	]);
	const target = (ref: string): string => {
		const [kind, key] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
		const found =
			kind === 'theme' ? themes.find((t) => t.number === key || t.title === key) : kind === 'action' ? actions.find((a) => a.title === key) : undefined;
		if (!found) throw new Error(`demo adoption: ${ref} is not in ${file.plan}`);
		return found.id;
	};
	const municipality = (slug: string): string => {
		const found = municipalities.find((m) => m.slug === slug);
		if (!found) throw new Error(`demo adoption: unknown gemeente ${slug}`);
		return found.id;
	};
	const snapshot = await takeSnapshot(db, plan.id, readDocument, { withState: true });
	if (!snapshot) return;
	const frozenAt = Date.parse(`${file.version.frozenOn}T10:00:00+02:00`);
	snapshot.takenAt = frozenAt;
	const versionId = await insertVersion(db, { planId: plan.id, cycleId: null, label: file.version.label, adoptedAt: frozenAt, snapshot, createdBy: admin.id });
	await db.updateTable('plan_versions').set({ created_at: frozenAt }).where('id', '=', versionId).execute();
	for (const a of file.adoptions) {
		const result = await recordAdoption(db, {
			versionId,
			municipalityId: municipality(a.municipality),
			decision: a.decision,
			decidedOn: a.decidedOn,
			reference: a.reference,
			documentUrl: null,
			councilInformed: a.councilInformed,
			userId: admin.id
		});
		if (!result.ok) throw new Error(`demo adoption ${a.municipality}: ${result.error}`);
	}
	for (const r of file.responses) {
		if (!RESPONSE_BODIES.includes(r.body) || !RESPONSE_OUTCOMES.includes(r.outcome)) throw new Error(`demo response: bad body or outcome`);
		const result = await addResponse(db, {
			versionId,
			municipalityId: municipality(r.municipality),
			body: r.body,
			text: r.text,
			receivedOn: r.receivedOn,
			targetIds: r.targets.map(target),
			answer: r.answer,
			outcome: r.outcome,
			outcomeReason: r.outcomeReason,
			userId: admin.id
		});
		if (!result.ok) throw new Error(`demo response ${r.municipality}: ${result.error}`);
	}
	for (const [year, refs] of Object.entries(file.focus)) {
		const result = await setFocus(db, { planId: plan.id, year: Number(year), ids: refs.map(target) });
		if (!result.ok) throw new Error(`demo focus ${year}: ${result.error}`);
	}
}
