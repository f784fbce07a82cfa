/**
 * `npm run bench:board` — issue 6's speed budget for the status board:
 *   - server render of a plan board with 300 actions: p50 < 50 ms
 *   - a move reaches another open board in < 100 ms p99, with 20 boards open
 * Builds a temporary database (demo data + the NOG plan grown to 300
 * actions), starts the built server (`npm run build` first) on a free port,
 * signs in, times GET /plannen/<id>/bord sequentially, then opens 20
 * Server-Sent-Event streams on the plan (what 20 open boards hold) and times
 * each move from the start of its POST to the event's arrival on every
 * stream. Each stream then reloads its board data, as a browser does, so the
 * server carries that load too. Writes its section of docs/benchmarks.md.
 */
import { loadavg } from 'node:os';
import { demoDatabase, growNogPlan, openStream, percentile, startServer, writeSection } from '../lib/harness.ts';

const ACTIONS = 300;
const WARMUP = 20;
const RUNS = 200;
const BOARDS = 20;
const MOVES = 60;
const SECTION = '## Status board (issue 6)';

const bench = await demoDatabase('board');
const { db } = bench;
const grown = await growNogPlan(bench, ACTIONS);
const base = { id: grown.planId };
const themeIds = grown.themeIds;
// Spread the synthetic actions over the columns, with plannings, like a real plan.
const statuses = ['not_started', 'in_progress', 'at_risk', 'done', 'ongoing'] as const;
const synthetic = await db.selectFrom('actions').select('id').where('theme_id', 'in', themeIds).execute();
for (const [i, a] of synthetic.entries()) {
	await db
		.updateTable('actions')
		.set({ status: statuses[i % statuses.length], planning_start: `202${4 + (i % 3)}-0${1 + (i % 9)}`, planning_end: `202${6 + (i % 3)}-12`, lead: `Trekker ${i % 7}` })
		.where('id', '=', a.id)
		.execute();
}
const movers = synthetic.slice(0, MOVES).map((a) => a.id);
await db.destroy();
const server = await startServer(bench);
const { origin } = server;
const signIn = (email: string) => server.signIn(email);

try {
	const boardUrl = `${origin}/plannen/${base.id}/bord`;

	// ---- 1. server render: editor and reader interleaved, so both meet the same machine load
	async function render() {
		const who = { editor: await signIn('werkgroep@kring.example'), reader: await signIn('lezer@kring.example') };
		const times = { editor: [] as number[], reader: [] as number[] };
		const html = { editor: '', reader: '' };
		for (let i = 0; i < WARMUP + RUNS; i++) {
			for (const role of ['editor', 'reader'] as const) {
				const started = performance.now();
				const response = await fetch(boardUrl, { headers: { cookie: who[role] } });
				html[role] = await response.text();
				if (!response.ok) throw new Error(`board answered ${response.status}`);
				if (i >= WARMUP) times[role].push(performance.now() - started);
			}
		}
		const figures = (role: 'editor' | 'reader') => {
			const sorted = times[role].sort((a, b) => a - b);
			return { html: html[role], cookie: who[role], p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
		};
		return { editor: figures('editor'), reader: figures('reader') };
	}
	const { editor, reader } = await render();
	const cards = (editor.html.match(/class="kring-bcard /g) ?? []).length;

	// ---- 2. move → event on 20 open boards
	const viewerCookie = reader.cookie;
	type Waiter = { id: string; status: string; resolve: (at: number) => void };
	const streams = await Promise.all(
		Array.from({ length: BOARDS }, async () => {
			const waiters: Waiter[] = [];
			const stream = await openStream(`${origin}/api/plans/${base.id}/events`, viewerCookie, (change, at) => {
				const i = waiters.findIndex((w) => w.id === change.id && w.status === change.status);
				if (i >= 0) waiters.splice(i, 1)[0].resolve(at);
			});
			return {
				controller: { abort: () => stream.close() },
				wait(id: string, status: string) {
					return new Promise<number>((resolve) => waiters.push({ id, status, resolve }));
				}
			};
		})
	);
	await new Promise((r) => setTimeout(r, 300));
	const latencies: number[] = [];
	const posts: number[] = [];
	const reloads: number[] = [];
	for (let i = 0; i < MOVES * 2; i++) {
		const id = movers[i % movers.length];
		const status = i < MOVES ? 'dropped' : 'done';
		const arrivals = streams.map((s) => s.wait(id, status));
		const body = new URLSearchParams({ actionId: id, status });
		const started = performance.now();
		const response = await fetch(`${boardUrl}?/move`, {
			method: 'POST',
			headers: { cookie: editor.cookie, Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true' },
			body
		});
		const result = (await response.json()) as { type: string };
		posts.push(performance.now() - started);
		if (result.type !== 'success') throw new Error(`move answered ${JSON.stringify(result)}`);
		for (const at of await Promise.all(arrivals)) latencies.push(at - started);
		// Every open board now reloads its data (SvelteKit's invalidate).
		const reloadStart = performance.now();
		await Promise.all(
			streams.map(() => fetch(`${boardUrl}/__data.json?x-sveltekit-invalidated=01`, { headers: { cookie: viewerCookie } }).then((r) => r.text()))
		);
		reloads.push(performance.now() - reloadStart);
	}
	for (const s of streams) s.controller.abort();
	latencies.sort((a, b) => a - b);
	posts.sort((a, b) => a - b);
	reloads.sort((a, b) => a - b);

	const result = [
		SECTION,
		'',
		`Command: \`npm run build && npm run bench:board\`. Plan: Noord-Oost Gelderland agenda grown to ${ACTIONS} actions (${cards} cards on the board). Render: ${RUNS} sequential GETs of \`/plannen/<id>/bord\` after ${WARMUP} warm-up, over loopback (HTTP, session, the board queries and roll-up, SSR). Moves: ${BOARDS} Server-Sent-Event streams open on the plan (one per open board); ${MOVES * 2} moves posted one after another by the werkgroep user; latency = start of the move POST → the event with the new status arriving on a stream, for every stream (${latencies.length} samples). After each move all ${BOARDS} boards reload their data, as browsers do.`,
		'',
		'| figure | value | budget |',
		'| --- | --- | --- |',
		`| board render p50 (werkgroep, every card movable) | ${editor.p50.toFixed(1)} ms | < 50 ms |`,
		`| board render p99 (werkgroep) | ${editor.p99.toFixed(1)} ms | — |`,
		`| board render p50 / p99 as a reader | ${reader.p50.toFixed(1)} / ${reader.p99.toFixed(1)} ms | — |`,
		`| move → event on another board, p50 | ${percentile(latencies, 50).toFixed(1)} ms | — |`,
		`| move → event on another board, p99 (${BOARDS} boards open) | ${percentile(latencies, 99).toFixed(1)} ms | < 100 ms |`,
		`| move → event, max | ${latencies[latencies.length - 1].toFixed(1)} ms | — |`,
		`| move POST round trip p50 / p99 (Yjs change persisted, column written, event published) | ${percentile(posts, 50).toFixed(1)} / ${percentile(posts, 99).toFixed(1)} ms | — |`,
		`| ${BOARDS} boards reloading their data after a move, p50 / p99 (all done) | ${percentile(reloads, 50).toFixed(1)} / ${percentile(reloads, 99).toFixed(1)} ms | — |`,
		'',
		`Measured ${new Date().toISOString().slice(0, 10)} on this 2-core machine (node ${process.version}; load average ${loadavg()[0].toFixed(1)} at the end, other work running). An open board moves the card as soon as the event arrives, before it reloads.`,
		''
	].join('\n');
	console.log(result);
	writeSection(SECTION, result);
} finally {
	await server.stop();
}
