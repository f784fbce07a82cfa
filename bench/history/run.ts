/**
 * `npm run bench:history` — issue 13's history per card: how many bytes does
 * a snapshot take, and a year of history of a busy card, with the snapshot
 * bound of server/collab/store.ts? And what does recording the history add to
 * a commit?
 *
 * A busy card: 7 rich-text fields of about 1 500 characters each (a filled
 * card of the demo plans is 3–8 KB), edited on 230 working days a year, 4
 * editing sessions a day by 3 authors in turn; a session is 40 flushes, each
 * typing a few words and now and then deleting a sentence, as a person types
 * (one flush per keystroke burst). The store is driven exactly as the server
 * drives it: one `append` per flush with the authors and time, compaction
 * (`replaceState`) whenever 500 updates are stored, as the server does.
 *
 * Writes its section of docs/benchmarks.md.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { collabStore, DEFAULT_SESSION_GAP_MS, SNAPSHOT_LIMITS } from '../../server/collab/store.ts';
import { openDatabase } from '../../src/lib/server/db.ts';
import { readVersion, listHistory } from '../../src/lib/server/history.ts';
import { migrateToLatest } from '../../src/lib/server/migrate.ts';
import { MIGRATIONS_DIR } from '../../src/lib/server/test-db.ts';
import { writeSection } from '../lib/harness.ts';

const FIELDS = ['stand', 'omschrijving', 'resultaat', 'samenwerking', 'wie', 'planning', 'kosten'];
const DAYS = 230;
const SESSIONS_PER_DAY = 4;
const FLUSHES_PER_SESSION = 40;
const COMPACT_AFTER = 500;
const AUTHORS = ['u1', 'u2', 'u3'];
const SECTION = '## History per card (issue 13)';

const dir = mkdtempSync(join(tmpdir(), 'kring-bench-history-'));
const path = join(dir, 'kring.db');
const { db, sqlite } = openDatabase(path);
await migrateToLatest(db, MIGRATIONS_DIR);
const store = collabStore(sqlite);

const words = 'de gemeente werkt samen met veilig thuis en de ggd aan een aanpak voor plegers slachtoffers en kinderen in het gezin'.split(' ');
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const sentence = (n: number) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');

// The card as it starts the year: every field filled.
const doc = new Y.Doc();
doc.transact(() => {
	for (const key of FIELDS) {
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText(sentence(250))]);
		doc.getXmlFragment(key).insert(0, [p]);
	}
	doc.getMap('meta').set('title', 'Een drukke actiekaart');
});
const docId = store.transaction(() => store.ensureDocument('action:busy'));
store.transaction(() => store.replaceState(docId, Y.encodeStateAsUpdate(doc), 0));

let pending: Uint8Array[] = [];
doc.on('update', (u: Uint8Array) => pending.push(u));
let seq = 0;
let stored = 0;
let compactions = 0;
let compactMs = 0;
const start = Date.UTC(2026, 0, 5, 8);
const dayMs = 24 * 60 * 60 * 1000;

for (let day = 0; day < DAYS; day++) {
	const dayStart = start + Math.floor(day / 5) * 7 * dayMs + (day % 5) * dayMs;
	for (let s = 0; s < SESSIONS_PER_DAY; s++) {
		const author = AUTHORS[(day * SESSIONS_PER_DAY + s) % AUTHORS.length];
		let at = dayStart + s * 2 * 60 * 60 * 1000;
		// a person works in one field at a time, typing on from where the cursor is and sometimes rewording
		const text = doc.getXmlFragment(FIELDS[Math.floor(random() * FIELDS.length)]).get(0) as Y.XmlElement;
		const t = text.get(0) as Y.XmlText;
		let cursor = Math.floor(random() * t.length);
		for (let f = 0; f < FLUSHES_PER_SESSION; f++) {
			at += 3000 + Math.floor(random() * 5000);
			doc.transact(() => {
				if (random() < 0.4 && t.length > 1500 && cursor > 30) {
					// backspace over a few words
					t.delete(cursor - 25, 25);
					cursor -= 25;
				} else {
					const typed = ` ${sentence(2)}`;
					t.insert(Math.min(cursor, t.length), typed);
					cursor = Math.min(cursor, t.length) + typed.length;
				}
			});
			const update = pending.length === 1 ? pending[0] : Y.mergeUpdates(pending);
			pending = [];
			seq += 1;
			store.transaction(() => store.append(docId, seq, update, { authors: [author], at }, DEFAULT_SESSION_GAP_MS));
			stored += 1;
			if (stored >= COMPACT_AFTER) {
				const c0 = performance.now();
				store.transaction(() => store.replaceState(docId, Y.encodeStateAsUpdate(doc), seq));
				compactMs += performance.now() - c0;
				compactions += 1;
				stored = 0;
			}
		}
	}
}
store.transaction(() => store.replaceState(docId, Y.encodeStateAsUpdate(doc), seq));
compactions += 1;

// The same appends without history, for the cost of recording it.
const plainId = store.transaction(() => store.ensureDocument('action:plain'));
const probe = new Y.Doc();
const probeUpdates: Uint8Array[] = [];
probe.on('update', (u: Uint8Array) => probeUpdates.push(u));
for (let i = 0; i < 2000; i++) probe.getText('t').insert(0, 'ab');
let plainMs = 0;
for (const [i, u] of probeUpdates.entries()) {
	const t0 = performance.now();
	store.transaction(() => store.append(plainId, i + 1, u));
	plainMs += performance.now() - t0;
}
const historyId = store.transaction(() => store.ensureDocument('action:recorded'));
let recordedMs = 0;
for (const [i, u] of probeUpdates.entries()) {
	const t0 = performance.now();
	store.transaction(() => store.append(historyId, i + 1, u, { authors: ['u1'], at: start + i * 1000 }, DEFAULT_SESSION_GAP_MS));
	recordedMs += performance.now() - t0;
}

const snaps = sqlite
	.prepare('SELECT count(*) AS n, sum(length(snapshot)) AS bytes, avg(length(snapshot)) AS avg, max(length(snapshot)) AS max FROM collab_history WHERE doc_id = ? AND snapshot IS NOT NULL')
	.get(docId) as { n: number; bytes: number; avg: number; max: number };
const sessions = (sqlite.prepare('SELECT count(*) AS n FROM collab_history WHERE doc_id = ?').get(docId) as { n: number }).n;
const state = sqlite.prepare('SELECT length(state) AS n FROM collab_documents WHERE id = ?').get(docId) as { n: number };
const rowBytes = 8 * 8; // id, doc_id, user_id, started_at, ended_at, seq_from, seq_to, snapshot header (about)
const entries = await listHistory(db, 'action:busy', 2000);
const r0 = performance.now();
await readVersion(db, 'action:busy', Number(entries[0].versionId));
const readNewest = performance.now() - r0;
const oldestKept = entries.filter((e) => e.restorable).at(-1)!;
const r1 = performance.now();
await readVersion(db, 'action:busy', Number(oldestKept.versionId));
const readOldest = performance.now() - r1;
const l0 = performance.now();
await listHistory(db, 'action:busy');
const listMs = performance.now() - l0;

sqlite.pragma('wal_checkpoint(TRUNCATE)');
const fileKb = statSync(path).size / 1024;
const load = loadavg()[0].toFixed(1);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const flushes = DAYS * SESSIONS_PER_DAY * FLUSHES_PER_SESSION;

const text = `${SECTION}

Command: \`npm run bench:history\` (no build needed: it drives server/collab/store.ts as the server does). A busy card: 7 rich-text fields of about 1 500 characters, edited on ${DAYS} working days, ${SESSIONS_PER_DAY} editing sessions a day by 3 authors in turn, ${FLUSHES_PER_SESSION} flushes a session (a few words typed on from the cursor, now and then some backspacing): ${flushes} stored updates a year, compacted every ${COMPACT_AFTER} as the server does (${compactions} compactions). Snapshot bound: the newest ${SNAPSHOT_LIMITS.recent} kept, older ones one per week, at most ${SNAPSHOT_LIMITS.max}.

| figure | value |
| --- | --- |
| the card's state at the end of the year | ${kb(state.n)} |
| one snapshot, average / largest | ${kb(snaps.avg)} / ${kb(snaps.max)} |
| editing sessions in the year (all listed) | ${sessions} |
| snapshots kept after a year (the others listed, not openable) | ${snaps.n} |
| snapshot bytes per card after a year (the bound) | ${kb(snaps.bytes)} |
| session rows per card after a year | about ${kb(sessions * rowBytes)} |
| database file after the year (card, history, indices) | ${fileKb.toFixed(0)} KB |
| recording the history per commit (append + session row), mean | ${((recordedMs - plainMs) / probeUpdates.length * 1000).toFixed(1)} µs more than without (${(plainMs / probeUpdates.length * 1000).toFixed(1)} µs → ${(recordedMs / probeUpdates.length * 1000).toFixed(1)} µs) |
| compaction with snapshots for the sessions it folds, mean | ${(compactMs / Math.max(1, compactions - 1)).toFixed(1)} ms |
| list the history (500 newest) | ${listMs.toFixed(1)} ms |
| open the newest version / the oldest kept | ${readNewest.toFixed(1)} / ${readOldest.toFixed(1)} ms |

Measured ${new Date().toISOString().slice(0, 10)} on this 2-core machine, shared with other work (node ${process.version}; load average ${load}). Without the bound a year of this card would keep ${sessions} snapshots, about ${kb(sessions * snaps.avg)}; with it a card's history stays below ${SNAPSHOT_LIMITS.max} snapshots whatever its age, about ${kb(SNAPSHOT_LIMITS.max * snaps.avg)} for a card of this size.
`;
console.log(text);
writeSection(SECTION, text);
doc.destroy();
probe.destroy();
await db.destroy();
rmSync(dir, { recursive: true, force: true });
