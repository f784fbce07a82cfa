import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../../server/app.ts';
import { seedDemo } from './demo.ts';
import { findPublished, getPublication, PUBLIC_TOKEN, publishVersion, unpublishVersion } from './publication.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { insertVersion, takeSnapshot } from './version.ts';

let t: TestDatabase;
let versionId: string;
let adminId: string;

beforeAll(async () => {
	t = await createTestDatabase();
	await seedDemo(t.db, DEMO_DIR, () => {});
	const plan = await t.db.selectFrom('plans').select('id').where('slug', '=', 'kennemerland-actieprogramma-2021-2024').executeTakeFirstOrThrow();
	adminId = (await t.db.selectFrom('users').select('id').where('email', '=', 'beheerder@kring.example').executeTakeFirstOrThrow()).id;
	const snapshot = (await takeSnapshot(t.db, plan.id, async () => Y.encodeStateAsUpdate(new Y.Doc()), { withState: false }))!;
	versionId = await insertVersion(t.db, { planId: plan.id, cycleId: null, label: 'Actieprogramma, vastgesteld', adoptedAt: Date.now(), snapshot, createdBy: adminId });
});
afterAll(async () => t.close());

describe('public links to adopted versions', () => {
	it('publishing gives a long random link that opens the version', async () => {
		const token = await publishVersion(t.db, versionId, adminId);
		expect(token).toMatch(PUBLIC_TOKEN);
		expect((await findPublished(t.db, token))?.id).toBe(versionId);
		expect(await getPublication(t.db, versionId)).toMatchObject({ token, publishedBy: 'Sanne Bakker' });
	});

	it('publishing again keeps the same link', async () => {
		const first = await publishVersion(t.db, versionId, adminId);
		expect(await publishVersion(t.db, versionId, adminId)).toBe(first);
	});

	it('withdrawing stops the link; publishing again makes a new one', async () => {
		const old = await publishVersion(t.db, versionId, adminId);
		expect(await unpublishVersion(t.db, versionId)).toBe(true);
		expect(await findPublished(t.db, old)).toBeNull();
		expect(await getPublication(t.db, versionId)).toBeNull();
		const fresh = await publishVersion(t.db, versionId, adminId);
		expect(fresh).not.toBe(old);
	});

	it('opens nothing for a malformed or unknown token', async () => {
		for (const token of ['', 'abc', 'A'.repeat(32), "' or 1=1 --", 'a'.repeat(32)]) expect(await findPublished(t.db, token)).toBeNull();
	});
});
