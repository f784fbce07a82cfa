import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Db } from './db.ts';
import { getVersion } from './version.ts';

/**
 * Public links to adopted versions (SPEC: "a public read-only link to an
 * adopted version when an admin publishes it"). The link shows the frozen
 * plan only: no threads, reviews, votes or decisions, no names of users.
 */

export const PUBLIC_TOKEN = /^[a-z2-7]{32}$/;

function newToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export interface Publication {
	token: string;
	publishedAt: number;
	publishedBy: string;
}

export async function getPublication(db: Db, versionId: string): Promise<Publication | null> {
	const row = await db
		.selectFrom('version_publications as vp')
		.innerJoin('users as u', 'u.id', 'vp.published_by')
		.select(['vp.token', 'vp.published_at', 'u.name'])
		.where('vp.version_id', '=', versionId)
		.executeTakeFirst();
	return row ? { token: row.token, publishedAt: row.published_at, publishedBy: row.name } : null;
}

/** Publishes the version; publishing a published version keeps its link. Returns the token. */
export async function publishVersion(db: Db, versionId: string, userId: string): Promise<string> {
	await db
		.insertInto('version_publications')
		.values({ version_id: versionId, token: newToken(), published_by: userId, published_at: Date.now() })
		.onConflict((oc) => oc.column('version_id').doNothing())
		.execute();
	const row = await db.selectFrom('version_publications').select('token').where('version_id', '=', versionId).executeTakeFirstOrThrow();
	return row.token;
}

/** Withdraws the public link; true when there was one. */
export async function unpublishVersion(db: Db, versionId: string): Promise<boolean> {
	const result = await db.deleteFrom('version_publications').where('version_id', '=', versionId).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** The published version behind a public token, with its plan's title; null for anything else. */
export async function findPublished(db: Db, token: string) {
	if (!PUBLIC_TOKEN.test(token)) return null;
	const row = await db
		.selectFrom('version_publications as vp')
		.innerJoin('plan_versions as v', 'v.id', 'vp.version_id')
		.innerJoin('plans as p', 'p.id', 'v.plan_id')
		.select(['vp.version_id', 'p.archived_at'])
		.where('vp.token', '=', token)
		.executeTakeFirst();
	if (!row || row.archived_at !== null) return null;
	return getVersion(db, row.version_id);
}
