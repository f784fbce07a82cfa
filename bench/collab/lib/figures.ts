/**
 * The single-number figures: RSS per loaded document, bytes written and
 * commits per edit, cold load of a document built from 10 000 or 100 000
 * updates, edits lost after SIGKILL.
 */
import { Client, Conn, Meter, openAll } from './client.ts';
import { EDIT_LEN, parseEdit, nowUs } from './proto.ts';
import { sleep, type ServerProc } from './proc.ts';
import type { DocPool } from './names.ts';
import { median } from './stats.ts';

function rawConns(server: ServerProc, names: string[], meter: Meter, firstIdx = 0, probe = false): Conn[] {
	return names.map((name, i) => {
		const client = new Client(firstIdx + i, probe);
		const conn = new Conn(server.info, name, client, meter);
		client.conns.push(conn);
		return conn;
	});
}

function closeAll(conns: Conn[]): void {
	for (const c of conns) c.close();
}

export interface RssResult {
	docs: number;
	baselineBytes: number;
	loadedBytes: number;
	perDocBytes: number;
	/** V8 heap used + external per document, after GC (less noisy than RSS) */
	perDocHeapBytes: number;
	/** V8 heap used + external per second connection to a loaded document */
	perExtraConnHeapBytes: number;
	/** the same in RSS (noisy: can even be negative when the allocator returns memory) */
	perExtraConnRssBytes: number;
	series?: { docs: number[]; rss: number[]; heap: number[] };
}

function load(conns: Conn[], editsPerDoc: number): void {
	for (const c of conns) {
		for (let e = 0; e < editsPerDoc; e++) c.sendEdit();
		c.sendAwareness();
	}
}

function slope(xs: number[], ys: number[]): number {
	const n = xs.length;
	const mx = xs.reduce((a, b) => a + b, 0) / n;
	const my = ys.reduce((a, b) => a + b, 0) / n;
	let num = 0;
	let den = 0;
	for (let i = 0; i < n; i++) {
		num += (xs[i] - mx) * (ys[i] - my);
		den += (xs[i] - mx) ** 2;
	}
	return num / den;
}

/**
 * 150 warm-up documents stay open (the first hundred or so documents of a
 * fresh process grow its RSS by several MB once: allocator arenas, heap spaces),
 * then `steps` × `step` more documents, each with one connection, 20 edits and
 * a cursor; after each step GC and RSS. Per document = least-squares slope of
 * RSS over the number of documents (single RSS readings jump by megabytes with
 * heap and allocator growth). Then a second connection to the last step's
 * documents, for the cost of a connection.
 */
export async function rssPerDoc(server: ServerProc, pool: DocPool, step = 250, steps = 4, editsPerDoc = 20): Promise<RssResult> {
	const meter = new Meter();
	const all: Conn[] = [];
	const warm = rawConns(server, pool.take(150), meter, 10_000);
	all.push(...warm);
	await openAll(warm);
	load(warm, editsPerDoc);
	await sleep(300);
	await server.waitIdle(4000);
	const xs = [0];
	const rss = [];
	const heap = [];
	let m = await server.gcRss();
	rss.push(m.rss);
	heap.push(m.heap);
	let names: string[] = [];
	for (let i = 1; i <= steps; i++) {
		names = pool.take(step);
		const conns = rawConns(server, names, meter, i * step);
		all.push(...conns);
		await openAll(conns);
		load(conns, editsPerDoc);
		await sleep(200);
		await server.waitIdle(4000);
		m = await server.gcRss();
		xs.push(i * step);
		rss.push(m.rss);
		heap.push(m.heap);
	}
	const second = rawConns(server, names, meter, 100_000);
	all.push(...second);
	await openAll(second);
	for (const c of second) c.sendAwareness();
	await sleep(200);
	await server.waitIdle(4000);
	const m2 = await server.gcRss();
	closeAll(all);
	await server.waitIdle(4000);
	return {
		docs: step * steps,
		baselineBytes: rss[0],
		loadedBytes: rss[rss.length - 1],
		perDocBytes: slope(xs, rss),
		perDocHeapBytes: slope(xs, heap),
		perExtraConnHeapBytes: (m2.heap - m.heap) / step,
		perExtraConnRssBytes: (m2.rss - m.rss) / step,
		series: { docs: xs, rss, heap }
	};
}

export interface BytesResult {
	edits: number;
	/** bytes the server handed to write()/pwrite() minus the bytes it sent on the sockets */
	fileBytes: number;
	perEdit: number;
	/** page-cache bytes dirtied (kernel write_bytes), for comparison */
	dirtiedPerEdit: number;
	socketBytes: number;
	/** commits of the server's SQLite store over the same span (servers/commits.ts), null without a store */
	commits: number | null;
	commitsPerEdit: number | null;
}

/**
 * 20 clients on one document, each 20 edits/s for 2.5 s (1 000 edits, each
 * arriving on its own), then everyone leaves; counted until the server's
 * writes settle (so unload/compaction/debounced stores are included).
 */
export async function bytesPerEdit(server: ServerProc, pool: DocPool, settleMs: number): Promise<BytesResult> {
	const name = pool.one();
	const meter = new Meter();
	const conns = rawConns(server, Array(20).fill(name), meter, 0);
	await openAll(conns);
	await sleep(200);
	await server.waitIdle(3000);
	const commits0 = await server.commits();
	const io0 = server.io();
	meter.bytesIn = 0;
	const perClient = 50;
	let sent = 0;
	await Promise.all(
		conns.map(
			(c, i) =>
				new Promise<void>((resolve) => {
					let k = 0;
					setTimeout(() => {
						const timer = setInterval(() => {
							c.sendEdit();
							sent++;
							if (++k === perClient) {
								clearInterval(timer);
								resolve();
							}
						}, 50);
					}, (i * 50) / conns.length);
				})
		)
	);
	await sleep(400);
	const socketBytes = meter.bytesIn;
	closeAll(conns);
	await sleep(settleMs);
	// then until nothing was written for 500 ms (at most 10 s)
	let last = server.io().wchar;
	for (let i = 0, stable = 0; i < 40 && stable < 2; i++) {
		await sleep(250);
		const now = server.io().wchar;
		stable = now === last ? stable + 1 : 0;
		last = now;
	}
	const io1 = server.io();
	const commits1 = await server.commits();
	const commits = commits0 === null || commits1 === null ? null : commits1 - commits0;
	const fileBytes = io1.wchar - io0.wchar - socketBytes;
	return {
		edits: sent,
		fileBytes,
		perEdit: fileBytes / sent,
		dirtiedPerEdit: (io1.writeBytes - io0.writeBytes) / sent,
		socketBytes,
		commits,
		commitsPerEdit: commits === null ? null : commits / sent
	};
}

/**
 * `total` single-edit updates into one document, through the server's own
 * write path: one "anchor" connection stays open (the document stays loaded)
 * while writers take turns, each sending WRITER_EDITS edits back to back —
 * under Kring's burst allowance (1 000 messages) — and leaving once the
 * anchor has received them all. So every update arrives on its own and is
 * broadcast to one receiver, not 19 (a 100 000-update document built by 20
 * connections at once overloads the reference server's one-frame-per-update
 * broadcast for over a minute).
 */
const WRITER_EDITS = 500;
export async function seedDocument(server: ServerProc, name: string, total = 10_000): Promise<void> {
	const meter = new Meter();
	const [anchor] = rawConns(server, [name], meter, 99);
	await openAll([anchor]);
	meter.active = true;
	for (let w = 0, sent = 0; sent < total; w++) {
		const [writer] = rawConns(server, [name], new Meter(), 100 + (w % 300));
		await openAll([writer]);
		const n = Math.min(WRITER_EDITS, total - sent);
		for (let e = 0; e < n; e++) writer.sendEdit();
		sent += n;
		const deadline = performance.now() + 30_000;
		while (meter.deliveries < sent && performance.now() < deadline) await sleep(5);
		writer.close();
		if (meter.deliveries < sent) throw new Error(`${server.spec.id}: seeding stalled at ${meter.deliveries} of ${sent} edits`);
	}
	meter.active = false;
	const conns = [anchor];
	await sleep(300);
	await server.waitIdle(60_000);
	// check it arrived: a fresh probe must see all edits
	const check = rawConns(server, [name], new Meter(), 200, true);
	await check[0].open(60_000);
	const n = check[0].text().length / EDIT_LEN;
	closeAll(check);
	closeAll(conns);
	if (n !== total) throw new Error(`${server.spec.id}: seeded document holds ${n} edits, not ${total}`);
}

export interface ColdResult {
	/** connect → synced, ms, one per document per start */
	runs: number[];
	/** of which the WebSocket upgrade (connect → open), ms */
	upgrade: number[];
	medianMs: number;
	medianUpgradeMs: number;
}

/**
 * `starts` fresh server processes; in each, one warm-up connection to another
 * document, then for every seeded document in turn: connect → synced.
 */
export async function coldLoad(
	server: ServerProc,
	names: string[],
	warmName: string,
	total: number,
	starts = 2
): Promise<ColdResult> {
	const times: number[] = [];
	const upgrades: number[] = [];
	for (let i = 0; i < starts; i++) {
		await server.start();
		await sleep(200);
		const warm = rawConns(server, [warmName], new Meter(), 300, true);
		await openAll(warm);
		closeAll(warm);
		for (const name of names) {
			await sleep(100);
			await server.waitIdle(3000);
			const probe = rawConns(server, [name], new Meter(), 301, true);
			const t0 = performance.now();
			await openAll(probe);
			const ms = performance.now() - t0;
			const n = probe[0].text().length / EDIT_LEN;
			upgrades.push(probe[0].openedAt - t0);
			closeAll(probe);
			if (n !== total) throw new Error(`${server.spec.id}: cold document holds ${n} edits, not ${total}`);
			times.push(ms);
		}
		await server.stop();
	}
	return { runs: times, upgrade: upgrades, medianMs: median(times), medianUpgradeMs: median(upgrades) };
}

export interface KillResult {
	rounds: { sent: number; seen: number; lost: number }[];
	seen: number;
	lost: number;
}

/**
 * Two probe clients edit one document (each every 5 ms, under Kring's default
 * 300 messages/s); after 0.8 s the server gets SIGKILL. An edit counts as seen
 * when the other client applied it. After a restart a fresh client loads the
 * document; every seen edit that is missing is lost.
 */
export async function sigkill(server: ServerProc, pool: DocPool, rounds = 2, editMs = 800): Promise<KillResult> {
	const out: KillResult = { rounds: [], seen: 0, lost: 0 };
	for (let r = 0; r < rounds; r++) {
		await server.start();
		const name = pool.one();
		const meter = new Meter();
		meter.seen = new Set();
		const conns = rawConns(server, [name, name], meter, 0, true);
		await openAll(conns);
		let sent = 0;
		const timers = conns.map((c) =>
			setInterval(() => {
				c.sendEdit(nowUs());
				sent++;
			}, 5)
		);
		await sleep(editMs);
		await server.kill9();
		for (const t of timers) clearInterval(t);
		await sleep(100);
		closeAll(conns);
		const seen = meter.seen;
		await server.start();
		const check = rawConns(server, [name], new Meter(), 50, true);
		await openAll(check);
		const text = check[0].text();
		closeAll(check);
		await server.stop();
		const present = new Set<string>();
		for (let i = 0; i + EDIT_LEN <= text.length; i += EDIT_LEN) {
			const e = parseEdit(text, i);
			present.add(`${e.sender}:${e.seq}`);
		}
		let lost = 0;
		for (const key of seen) if (!present.has(key)) lost++;
		out.rounds.push({ sent, seen: seen.size, lost });
		out.seen += seen.size;
		out.lost += lost;
	}
	return out;
}
