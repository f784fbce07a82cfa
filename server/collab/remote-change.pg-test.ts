import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { MigratedPostgres } from '../testing/postgres.ts';
import { describeOnPostgres } from '../testing/postgres-suite.ts';
import { joinCluster, type Cluster } from './cluster.ts';
import { createRemoteChanges, OwnedElsewhere } from './remote-change.ts';

/**
 * A change of the server on a node that does not own the document
 * (remote-change.ts), with an owner that answers too late: the change is
 * sent again, and still lands once.
 */

const log = pino({ level: 'silent' });
const clusters: Cluster[] = [];
let database: () => MigratedPostgres;

async function node(nodeId: string): Promise<Cluster> {
	const { pool } = database().database;
	const url = (pool as unknown as { options: { connectionString: string } }).options.connectionString;
	const cluster = await joinCluster({ connectionString: url, pool, nodeId, nodeUrl: `http://127.0.0.1:1/${nodeId}`, log });
	clusters.push(cluster);
	return cluster;
}

describeOnPostgres('a server change sent to a slow owner', (pg) => {
	database = pg;
	afterAll(async () => {
		for (const c of clusters) await c.close();
	});

	it('is applied once, though the owner answers after the sender gave up and sent it again', async () => {
		const [a, b] = [await node('a'), await node('b')];
		const name = 'action:slow-owner';
		expect(await a.claim(name)).toBe(true);
		// node A owns the document and takes 400 ms for the first change it gets; node B waits 100 ms for an answer
		const owned = new Y.Doc();
		let received = 0;
		createRemoteChanges({
			cluster: a,
			store: a.store,
			log,
			async changeHere(_name, fn) {
				received += 1;
				if (received === 1) await new Promise((r) => setTimeout(r, 400));
				fn(owned);
			}
		});
		const fromB = createRemoteChanges({
			cluster: b,
			store: b.store,
			log,
			answerMs: 100,
			async changeHere(n) {
				throw new OwnedElsewhere(n);
			}
		});
		await fromB.change(name, (doc) => doc.getText('body').insert(0, 'Besproken in de werkgroep. '), { origin: 'server' });
		// the first, late delivery lands too
		await new Promise((r) => setTimeout(r, 600));
		expect(received).toBeGreaterThan(1);
		expect(owned.getText('body').toString()).toBe('Besproken in de werkgroep. ');
	});
});
