/**
 * `npm run bench:session` — issue 7's evaluation session, "live, for 10–40
 * people at once", as the session page works since issue 17: how soon does
 * every screen in the room show a vote, and follow the facilitator to the
 * next action?
 *
 * A temporary database (demo data) gets PARTICIPANTS extra readers of regio
 * Kennemerland and an open evaluation of its plan. The built server (`npm
 * run build` first) runs on a free port. Every participant does what the
 * session page does in a browser (ReviewLive.svelte, src/lib/review-session.ts):
 * loads the page data once (`__data.json`), holds the plan's Server-Sent-Event
 * stream and applies the change each evaluation event carries (a vote's new
 * tally and votes, the facilitator's current action) with the page's own
 * `applySessionPatches`; only an evaluation event without a change in it
 * makes a screen reload the page data (after the page's 60 ms coalescing),
 * and those reloads are counted: there should be none. For each of ROUNDS
 * actions the facilitator shows the action, then every participant votes once
 * at a random moment within VOTE_WINDOW_MS (a room voting), with a short opinion.
 *
 * A vote counts as shown on a screen when an event arrives at that screen's
 * stream after which the screen's state (page data + patches) has the vote
 * in the action's votes; "following" when the state has the facilitator's
 * new current action. Latency starts at the start of the POST.
 * Prints its section; BENCH_WRITE=1 also writes it to docs/benchmarks.md.
 */
import { unflatten } from 'devalue';
import { loadavg } from 'node:os';
import { applySessionPatches, type SessionItem, type SessionPatch } from '../../src/lib/review-session.ts';
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
const loadStart = loadavg()[0];
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

type Item = SessionItem & { myVote: unknown };
interface SessionData {
	cycle: { currentActionId: string | null };
	items: Item[];
	loadedAt: number;
	userId: string;
}
interface Shown {
	at: number;
	currentActionId: string | null;
	/** action id → opinions of its votes */
	opinions: Map<string, Set<string>>;
}

/**
 * A screen in the room: the page data loaded once, the event stream, and the
 * patches that arrived with their arrival times. What each arrival made the
 * screen show is worked out after the run (applySessionPatches over the
 * patches so far, as the page's $derived does), so the work does not delay
 * the other screens' streams.
 */
class Screen {
	/** every page-data load with its arrival time; the first is the page opening */
	loads: { at: number; data: SessionData }[] = [];
	patches: { at: number; patch: SessionPatch }[] = [];
	shown: Shown[] = [];
	/** page-data loads after the first one: evaluation events without a change in them */
	reloads = 0;
	failures = 0;
	#pending = false;
	#stream: { close(): void } | null = null;

	constructor(readonly cookie: string) {}

	async open(): Promise<void> {
		this.#stream = await openStream(`${origin}/api/plans/${plan.id}/events`, this.cookie, (change, at) => {
			if (change.kind !== 'review' || change.id !== cycleId) return;
			if (change.review) return void this.patches.push({ at, patch: change.review as SessionPatch });
			// as ReviewLive.svelte: a change without its data reloads the page data, coalesced
			if (this.#pending) return;
			this.#pending = true;
			setTimeout(() => {
				this.#pending = false;
				this.reloads++;
				void this.load();
			}, COALESCE_MS);
		});
	}

	async load(): Promise<void> {
		try {
			const response = await fetch(`${sessionUrl}/__data.json?x-sveltekit-invalidated=01`, { headers: { cookie: this.cookie } });
			const body = (await response.json()) as { type: string; nodes: ({ type: string; data?: unknown[] } | null)[] };
			const node = body.nodes.at(-1);
			if (!response.ok || body.type !== 'data' || node?.type !== 'data' || !node.data) throw new Error(`session data answered ${response.status}`);
			this.loads.push({ at: performance.now(), data: unflatten(node.data) as SessionData });
		} catch {
			this.failures++;
		}
	}

	/** what the screen showed after each arrival (a patch or a load): the latest data with the patches so far, as the page's $derived */
	replay(): void {
		const arrivals = [...this.loads.map((l) => l.at), ...this.patches.map((p) => p.at)].sort((a, b) => a - b);
		this.shown = arrivals.map((at) => {
			const data = this.loads.filter((l) => l.at <= at).at(-1)!.data;
			const state = applySessionPatches(
				{ items: data.items, currentActionId: data.cycle.currentActionId, loadedAt: data.loadedAt, userId: data.userId },
				this.patches.filter((p) => p.at <= at).map((p) => p.patch)
			);
			return {
				at,
				currentActionId: state.currentActionId,
				opinions: new Map(state.items.map((item) => [item.action.id, new Set(item.votes.map((v) => v.opinion))]))
			};
		});
	}

	/** When this screen first showed `test` true, after `since`; null if never. */
	firstShowing(since: number, test: (shown: Shown) => boolean): number | null {
		return this.shown.find((s) => s.at >= since && test(s))?.at ?? null;
	}

	/** live, while the run goes on: the last patch has every vote on the action (votes are never withdrawn) */
	hasAll(actionId: string, count: number): boolean {
		for (let k = this.patches.length - 1; k >= 0; k--) {
			const item = this.patches[k].patch.item;
			if (item?.action.id === actionId) return item.votes.length >= count;
		}
		return false;
	}

	follows(actionId: string, since: number): boolean {
		return this.patches.some((p) => p.at >= since && p.patch.currentActionId === actionId);
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

try {
	const facilitatorCookie = await server.signIn('beheerder@kring.example');
	const screens: Screen[] = [];
	for (const email of emails) screens.push(new Screen(await server.signIn(email)));
	await Promise.all(screens.map((s) => s.open()));
	await Promise.all(screens.map((s) => s.load()));
	if (screens.some((s) => s.loads.length === 0)) throw new Error('a screen could not load the session page data');
	await new Promise((r) => setTimeout(r, 300));

	const steps: { at: number; actionId: string }[] = [];
	const votes: { at: number; actionId: string; opinion: string }[] = [];
	const votePosts: number[] = [];
	const started = performance.now();
	for (const [round, actionId] of shown.entries()) {
		// the facilitator shows the action; every screen follows
		const gotoAt = performance.now();
		await post(facilitatorCookie, 'goto', { actionId });
		steps.push({ at: gotoAt, actionId });
		await settle(() => screens.every((s) => s.follows(actionId, gotoAt)));

		// the room votes within VOTE_WINDOW_MS
		await Promise.all(
			screens.map(async (s, i) => {
				await new Promise((r) => setTimeout(r, Math.random() * VOTE_WINDOW_MS));
				const opinion = `Mening ${i + 1} bij ronde ${round + 1}`;
				const at = performance.now();
				await post(s.cookie, 'vote', { actionId, verdict: VERDICTS[(i + round) % 4], opinion });
				votePosts.push(performance.now() - at);
				votes.push({ at, actionId, opinion });
			})
		);
		await settle(() => screens.every((s) => s.hasAll(actionId, PARTICIPANTS)));
	}
	const elapsed = (performance.now() - started) / 1000;
	for (const s of screens) s.close();

	const follow: number[] = [];
	const voteSeen: number[] = [];
	let missing = 0;
	for (const s of screens) {
		s.replay();
		for (const step of steps) {
			const at = s.firstShowing(step.at, (shown) => shown.currentActionId === step.actionId);
			if (at === null) missing++;
			else follow.push(at - step.at);
		}
		for (const vote of votes) {
			const at = s.firstShowing(vote.at, (shown) => shown.opinions.get(vote.actionId)?.has(vote.opinion) ?? false);
			if (at === null) missing++;
			else voteSeen.push(at - vote.at);
		}
	}
	follow.sort((a, b) => a - b);
	voteSeen.sort((a, b) => a - b);
	votePosts.sort((a, b) => a - b);
	const reloads = screens.reduce((n, s) => n + s.reloads, 0);
	const failures = screens.reduce((n, s) => n + s.failures, 0);
	const ms = (x: number) => `${x.toFixed(0)} ms`;
	const p99 = percentile(voteSeen, 99);

	const result = [
		SECTION,
		'',
		`Command: \`npm run build && npm run bench:session\` (BENCH_PARTICIPANTS=${PARTICIPANTS}). An open evaluation of the Kennemerland plan (${actionCount} actions); ${PARTICIPANTS} participants signed in, each loading the session page data once and holding the plan's event stream, applying the change each evaluation event carries (\`applySessionPatches\`, as the session page does since issue 17) and reloading the page data only for an event without one. ${ROUNDS} rounds: the facilitator shows an action, then every participant votes once with an opinion at a random moment within ${VOTE_WINDOW_MS / 1000} s. Latency from the start of the POST to the arrival of the event after which a screen shows it; every screen counted (${voteSeen.length} vote × screen samples, ${follow.length} follow samples). Aim: vote → every screen p99 < 100 ms (${p99 < 100 ? 'met' : 'missed'}).`,
		'',
		'| figure | value |',
		'| --- | ---: |',
		`| vote → shown on every screen, p50 | ${ms(percentile(voteSeen, 50))} |`,
		`| vote → shown on every screen, p99 | ${ms(p99)} |`,
		`| vote → shown, max | ${ms(voteSeen.at(-1) ?? NaN)} |`,
		`| facilitator shows the next action → every screen follows, p50 / p99 / max | ${ms(percentile(follow, 50))} / ${ms(percentile(follow, 99))} / ${ms(follow.at(-1) ?? NaN)} |`,
		`| vote POST round trip p50 / p99 | ${ms(percentile(votePosts, 50))} / ${ms(percentile(votePosts, 99))} |`,
		`| session-data reloads served after the first load | ${reloads} in ${elapsed.toFixed(1)} s, ${failures} failed |`,
		`| votes or follows never shown | ${missing} |`,
		'',
		`Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this 2-core machine (node ${process.version}; load average ${loadStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end); the ${PARTICIPANTS} screens run in the benchmark process on the same machine as the server.`,
		''
	].join('\n');
	console.log(result);
	if (process.env.BENCH_WRITE === '1') writeSection(SECTION, result);
} finally {
	await server.stop();
}
