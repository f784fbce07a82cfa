import { json } from '@sveltejs/kit';
import { sql } from 'kysely';
import { getRuntime } from '$lib/server/runtime';

/** Liveness and readiness in one: answers ok only after a real database query. */
export async function GET() {
	try {
		await sql`select 1`.execute(getRuntime().db);
		return json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
	} catch {
		return json({ status: 'error' }, { status: 503 });
	}
}
