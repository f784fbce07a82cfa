import { canReadRegion, type UserRoles } from './access.ts';
import { recordAudit } from './audit.ts';
import type { Db } from './db.ts';

/**
 * The one thing the server learns from the client-data guard: that a person
 * was warned, how many fragments of which kind, and in what kind of text —
 * never the text or what was found (src/lib/client-data.ts runs in the
 * browser and keeps that to itself). Counted in the audit log as
 * `client_data.warned`, in the plan's region when the person may read it.
 *
 * A signed-in person can post at most WARNINGS_PER_HOUR reports an hour
 * (per process, in memory: the count is a signal for the region, not
 * evidence, so losing it at a restart is harmless); more are dropped
 * without an error, so a loop in a browser cannot fill the log.
 */
export const CLIENT_DATA_SOURCES = ['card', 'theme', 'plan', 'comment', 'review', 'checkin'] as const;
export type ClientDataSource = (typeof CLIENT_DATA_SOURCES)[number];
export const WARNINGS_PER_HOUR = 60;
const HOUR = 3_600_000;

export interface WarningReport {
	kind: 'bsn' | 'birthdate' | 'phone' | 'address' | 'email';
	count: number;
	source: ClientDataSource;
	planId: string | null;
}

const recent = new Map<string, number[]>();

/** Whether this person may report one more warning now (and counts it when so). */
export function allowWarning(userId: string, now = Date.now()): boolean {
	const times = (recent.get(userId) ?? []).filter((t) => t > now - HOUR);
	if (times.length >= WARNINGS_PER_HOUR) {
		recent.set(userId, times);
		return false;
	}
	times.push(now);
	recent.set(userId, times);
	if (recent.size > 10_000) for (const [id, list] of recent) if (!list.some((t) => t > now - HOUR)) recent.delete(id);
	return true;
}

/** For tests: forget the counts. */
export function resetWarningLimits(): void {
	recent.clear();
}

/** Records one report; false when the person is over the limit (nothing recorded). */
export async function recordClientDataWarning(
	db: Db,
	input: { user: { id: string; name: string; roles: UserRoles }; report: WarningReport; origin: string | null; now?: number }
): Promise<boolean> {
	const now = input.now ?? Date.now();
	if (!allowWarning(input.user.id, now)) return false;
	let regionId: string | null = null;
	let plan: { id: string; title: string } | null = null;
	if (input.report.planId) {
		const row = await db.selectFrom('plans').select(['id', 'title', 'region_id']).where('id', '=', input.report.planId).executeTakeFirst();
		// a plan the person cannot read is not named (no existence leak through the log)
		if (row && canReadRegion(input.user.roles, row.region_id)) {
			regionId = row.region_id;
			plan = { id: row.id, title: row.title };
		}
	}
	await recordAudit(db, {
		action: 'client_data.warned',
		actor: { id: input.user.id, name: input.user.name },
		object: plan ? { type: 'plan', id: plan.id, label: plan.title } : null,
		regionId,
		origin: input.origin,
		detail: { kind: input.report.kind, count: input.report.count, source: input.report.source },
		at: now
	});
	return true;
}
