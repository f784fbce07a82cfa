import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { loadUserRoles } from './access.ts';
import { seedDemo } from './demo.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { createThread, setThreadStatus, type Actor } from './thread.ts';
import { openThemePassages } from './thread-passages.ts';
import { getUserByEmail } from './user.ts';

let t: TestDatabase;
let planId: string;
let themeId: string;
let section: string;

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	const plan = await t.db.selectFrom('plans').select(['id', 'theme_sections']).where('slug', '=', 'kennemerland-actieprogramma-2021-2024').executeTakeFirstOrThrow();
	planId = plan.id;
	section = (JSON.parse(plan.theme_sections) as { key: string }[])[0].key;
	themeId = (await t.db.selectFrom('themes').select('id').where('plan_id', '=', planId).where('archived_at', 'is', null).orderBy('position').executeTakeFirstOrThrow()).id;
});
afterAll(async () => t.close());

async function actor(email: string): Promise<Actor> {
	const user = (await getUserByEmail(t.db, email))!;
	return { id: user.id, roles: await loadUserRoles(t.db, user.id) };
}

async function onPassage(quote: string, field = section): Promise<string> {
	const result = await createThread(t.db, await actor('lezer@kring.example'), {
		target: { kind: 'theme', id: themeId },
		body: 'Wat bedoelen we hiermee?',
		anchor: { field, start: 'AQID', end: 'BAUG', quote }
	});
	if (!result.ok) throw new Error(result.reason);
	return result.threadId;
}

describe('openThemePassages', () => {
	it('lists the open anchored threads of a theme with their quote', async () => {
		const id = await onPassage('een zin uit de tekst');
		const passages = await openThemePassages(t.db, (await actor('lezer@kring.example')).roles, planId);
		expect(passages[themeId]).toContainEqual({ threadId: id, quote: 'een zin uit de tekst' });
	});

	it('leaves out resolved threads and threads without a passage', async () => {
		const resolved = await onPassage('afgeronde zin');
		const editor = await actor('werkgroep@kring.example');
		expect((await setThreadStatus(t.db, editor, { threadId: resolved, status: 'resolved' })).ok).toBe(true);
		const loose = await createThread(t.db, editor, { target: { kind: 'theme', id: themeId }, body: 'Algemeen' });
		if (!loose.ok) throw new Error(loose.reason);
		const ids = (await openThemePassages(t.db, editor.roles, planId))[themeId].map((p) => p.threadId);
		expect(ids).not.toContain(resolved);
		expect(ids).not.toContain(loose.threadId);
	});

	it('shows nothing to someone who cannot read the region', async () => {
		await onPassage('nog een zin');
		expect(await openThemePassages(t.db, (await actor('arnhem@kring.example')).roles, planId)).toEqual({});
	});
});
