/**
 * `npm run bench:session` — issue 7's evaluation session, "live, for 10–40
 * people at once": how soon does every screen in the room show a vote, and
 * follow the facilitator to the next action?
 *
 * A temporary database (demo data) gets PARTICIPANTS extra readers of regio
 * Kennemerland and an open evaluation of its plan. The built server (`npm
 * run build` first) runs on a free port. Every participant does what the
 * session page does in a browser: holds the plan's Server-Sent-Event stream
 * and, on an evaluation event, reloads the page data (`__data.json`, as
 * SvelteKit's invalidate does) after the same 60 ms coalescing as
 * ReviewLive.svelte. For each of ROUNDS actions the facilitator shows the
 * action, then every participant votes once at a random moment within
 * VOTE_WINDOW_MS (a room voting), with a short opinion.
 *
 * A vote counts as seen on a screen when a reload of that screen returns
 * data with that vote in the action's votes; "following" when it returns the
 * facilitator's new current action. Latency starts at the start of the POST.
 * Writes its section of docs/benchmarks.md.
 */
import { unflatten } from 'devalue';
import { loadavg } from 'node:os';
import { newId } from '../../src/lib/server/id.ts';
import { hashPassword } from '../../src/lib/server/password.ts';
import { createCycle, cycleActions, getCycle, openCycle } from '../../src/lib/server/review.ts';
import { colorFor } from '../../src/lib/server/user.ts';
import { demoDatabase, openStream, PASSWORD, percentile, startServer, writeSection } from '../lib/harness.ts';

const PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 40);
const ROUNDS = 6;
const VOTE_WINDOW_MS = 3000;
const COALESCE_MS = 60;
const SECTION = '## Evaluation session (issue 7)';
const VERDICTS = ['keep', 'strengthen', 'renew', 'drop'] as const;

// ---- the database: participants and an open evaluation of the Kennemerland plan
const bench = await demoDatabase('session');
const { db } = bench;
const plan = await db.selectFrom('plans').select(['id', 'region_id']).where('slug', '=', 'kennemerland-actieprogramma-2021-2024').executeTakeFirstOrThrow();
const admin = await db.selectFrom('users').select('id').where('email', '=', 'beheerder@kring.example').executeTakeFirstOrThrow();
const hash = await hashPassword(PASSWORD);
const emails: string[] = [];
for (let i = 1; i <= PARTICIPANTS; i++) {
	const id = newId();
	const email = `deelnemer${i}@bench.example`;
	await db.insertInto('users').values({ id, email, name: `Deelnemer ${i}`, password_hash: hash, color: colorFor(id), created_at: Date.now() }).execute();
	await db.insertInto('region_memberships').values({ user_id: id, region_id: plan.region_id, role: 'viewer' }).execute();
	emails.push(email);
}
const cycleId = await createCycle(db, { planId: plan.id, year: 2025, title: 'Evaluatie 2025', facilitatorId: admin.id, sessionDate: null, prepDeadline: null, createdBy: admin.id });
await openCycle(db, cycleId);
const shown = (await cycleActions(db, (await getCycle(db, cycleId))!)).slice(0, ROUNDS).map((a) => a.id);
const actionCount = (await cycleActions(db, (await getCycle(db, cycleId))!)).length;
await db.destroy();

const server = await startServer(bench);
const { origin } = server;
const sessionUrl = `${origin}/evaluaties/${cycleId}/sessie`;

interface SessionData {
	cycle: { currentActionId: string | null };
	items: { action: { id: string }; votes: { userId: string; opinion: string }[] }[];
}

/** A screen in the room: the event stream, coalesced reloads, and what each reload showed. */
class Screen {
	seen: { at: number; data: SessionData }[] = [];
	reloads = 0;
	failures = 0;
	#pending = false;
	#stream: { close(): void } | null = null;

	constructor(readonly cookie: string) {}

	async open(): Promise<void> {
		this.#stream = await openStream(`${origin}/api/plans/${plan.id}/events`, this.cookie, (change) => {
			if (change.kind !== 'review' || change.id !== cycleId || this.#pending) return;
			this.#pending = true;
			setTimeout(() => {
				this.#pending = false;
				void this.reload();
			}, COALESCE_MS);
		});
	}

	async reload(): Promise<void> {
		this.reloads++;
		try {
			const response = await fetch(`${sessionUrl}/__data.json?x-sveltekit-invalidated=01`, { headers: { cookie: this.cookie } });
			const body = (await response.json()) as { type: string; nodes: ({ type: string; data?: unknown[] } | null)[] };
			const node = body.nodes.at(-1);
			if (!response.ok || body.type !== 'data' || node?.type !== 'data' || !node.data) throw new Error(`session data answered ${response.status}`);
			this.seen.push({ at: performance.now(), data: unflatten(node.data) as SessionData });
		} catch {
			this.failures++;
		}
	}

	/** When this screen first showed `test` true, after `since`; null if never. */
	firstShowing(since: number, test: (data: SessionData) => boolean): number | null {
		return this.seen.find((s) => s.at >= since && test(s.data))?.at ?? null;
	}

	close(): void {
		this.#stream?.close();
	}
}

async function post(cookie: string, action: string, form: Record<string, string>): Promise<void> {
	const response = await fetch(`${sessionUrl}?/${action}`, {
		method: 'POST',
		headers: { cookie, Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true' },
		body: new URLSearchParams(form)
	});
	const result = (await response.json()) as { type: string };
	if (result.type !== 'success') throw new Error(`${action} answered ${JSON.stringify(result)}`);
}

/** Waits until `done()` (at most capMs), then a little longer for stragglers. */
async function settle(done: () => boolean, capMs = 15_000): Promise<void> {
	const until = performance.now() + capMs;
	while (!done() && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
	await new Promise((r) => setTimeout(r, 200));
}

/** The opinions of the votes on an action, as a screen showed them (each participant's opinion names them). */
function opinions(data: SessionData, actionId: string): Set<string> {
	return new Set(data.items.find((item) => item.action.id === actionId)?.votes.map((v) => v.opinion) ?? []);
}

try {
	const facilitatorCookie = await server.signIn('beheerder@kring.example');
	const screens: Screen[] = [];
	for (const email of emails) screens.push(new Screen(await server.signIn(email)));
	await Promise.all(screens.map((s) => s.open()));
	await Promise.all(screens.map((s) => s.reload()));
	await new Promise((r) => setTimeout(r, 300));

	const follow: number[] = [];
	const voteSeen: number[] = [];
	const votePosts: number[] = [];
	let missing = 0;
	const started = performance.now();
	for (const [round, actionId] of shown.entries()) {
		// the facilitator shows the action; every screen follows
		const gotoAt = performance.now();
		await post(facilitatorCookie, 'goto', { actionId });
		const showsAction = (d: SessionData) => d.cycle.currentActionId === actionId;
		await settle(() => screens.every((s) => s.firstShowing(gotoAt, showsAction) !== null));
		for (const s of screens) {
			const at = s.firstShowing(gotoAt, showsAction);
			if (at === null) missing++;
			else follow.push(at - gotoAt);
		}

		// the room votes within VOTE_WINDOW_MS
		const votes = await Promise.all(
			screens.map(async (s, i) => {
				await new Promise((r) => setTimeout(r, Math.random() * VOTE_WINDOW_MS));
				const at = performance.now();
				await post(s.cookie, 'vote', { actionId, verdict: VERDICTS[(i + round) % 4], opinion: `Mening ${i + 1} bij ronde ${round + 1}` });
				votePosts.push(performance.now() - at);
				return { at };
			})
		);
		const all = (d: SessionData) => opinions(d, actionId).size === PARTICIPANTS;
		await settle(() => screens.every((s) => s.seen.length > 0 && all(s.seen.at(-1)!.data)));
		for (const [i, vote] of votes.entries()) {
			const opinion = `Mening ${i + 1} bij ronde ${round + 1}`;
			for (const s of screens) {
				const at = s.firstShowing(vote.at, (d) => opinions(d, actionId).has(opinion));
				if (at === null) missing++;
				else voteSeen.push(at - vote.at);
			}
		}
	}
	const elapsed = (performance.now() - started) / 1000;
	for (const s of screens) s.close();
	follow.sort((a, b) => a - b);
	voteSeen.sort((a, b) => a - b);
	votePosts.sort((a, b) => a - b);
	const reloads = screens.reduce((n, s) => n + s.reloads, 0);
	const failures = screens.reduce((n, s) => n + s.failures, 0);
	const ms = (x: number) => `${x.toFixed(0)} ms`;

	const result = [
		SECTION,
		'',
		`Command: \`npm run build && npm run bench:session\` (BENCH_PARTICIPANTS=${PARTICIPANTS}). An open evaluation of the Kennemerland plan (${actionCount} actions); ${PARTICIPANTS} participants signed in, each holding the plan's event stream and reloading the session data on every evaluation event after ${COALESCE_MS} ms of coalescing, as the session page does. ${ROUNDS} rounds: the facilitator shows an action, then every participant votes once with an opinion at a random moment within ${VOTE_WINDOW_MS / 1000} s. Latency from the start of the POST to the first reload on a screen that returns it; every screen counted (${voteSeen.length} vote × screen samples, ${follow.length} follow samples).`,
		'',
		'| figure | value |',
		'| --- | ---: |',
		`| vote → shown on every screen, p50 | ${ms(percentile(voteSeen, 50))} |`,
		`| vote → shown on every screen, p99 | ${ms(percentile(voteSeen, 99))} |`,
		`| vote → shown, max | ${ms(voteSeen.at(-1) ?? NaN)} |`,
		`| facilitator shows the next action → every screen follows, p50 / p99 | ${ms(percentile(follow, 50))} / ${ms(percentile(follow, 99))} |`,
		`| vote POST round trip p50 / p99 | ${ms(percentile(votePosts, 50))} / ${ms(percentile(votePosts, 99))} |`,
		`| session-data reloads served | ${reloads} in ${elapsed.toFixed(1)} s (${(reloads / elapsed).toFixed(0)}/s), ${failures} failed |`,
		`| votes or follows never shown | ${missing} |`,
		'',
		`Measured ${new Date().toISOString().slice(0, 10)} on this 2-core machine (node ${process.version}; load average ${loadavg()[0].toFixed(1)} at the end, other work running); the ${PARTICIPANTS} screens run in the benchmark process on the same machine as the server.`,
		''
	].join('\n');
	console.log(result);
	writeSection(SECTION, result);
} finally {
	await server.stop();
}
