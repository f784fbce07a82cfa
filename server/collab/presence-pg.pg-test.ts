import { pino } from 'pino';
import { expect, it } from 'vitest';
import { describeOnPostgres } from '../testing/postgres-suite.ts';
import type { MigratedPostgres } from '../testing/postgres.ts';
import { joinCluster, type Cluster } from './cluster.ts';
import { clusterPresence, type ClusterPresence, type DocumentPeople } from './presence-pg.ts';

/**
 * "Nu bezig" with two nodes (presence-pg.ts): each node in this process with
 * its own cluster session, as two processes would have.
 */

const log = pino({ level: 'silent' });
const ruben = { id: 'u-ruben', name: 'Ruben', color: '#0b6e4f' };
const sanne = { id: 'u-sanne', name: 'Sanne', color: '#6d2e8c' };

interface Node {
	cluster: Cluster;
	presence: ClusterPresence;
	/** this node's sockets, as the collaboration server would report them */
	local: Map<string, DocumentPeople[]>;
	announced: string[];
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const start = Date.now();
	while (!(await check())) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

async function node(pg: MigratedPostgres, nodeId: string): Promise<Node> {
	const { pool } = pg.database;
	const cluster = await joinCluster({ connectionString: pg.url, pool, nodeId, nodeUrl: `http://127.0.0.1:1/${nodeId}`, log });
	const local = new Map<string, DocumentPeople[]>();
	const announced: string[] = [];
	const presence = await clusterPresence({ pool, nodeId, local: (planId) => local.get(planId) ?? [], announce: (p) => announced.push(p), log });
	return { cluster, presence, local, announced };
}

describeOnPostgres('presence across nodes', (pg) => {
	const query = (sql: string) => pg().database.pool.query(sql);
	const rowsOf = async (nodeId: string) => Number((await query(`SELECT count(*) AS n FROM collab_presence WHERE node_id = '${nodeId}'`)).rows[0].n);

	/** node A with Ruben in a document of `planId`, written for the other nodes */
	async function nodeAWithRuben(document: string, planId: string): Promise<Node> {
		const a = await node(pg(), 'a');
		expect(await a.cluster.claim(document)).toBe(true);
		a.local.set(planId, [{ name: document, users: [ruben] }]);
		a.presence.changed(planId);
		await waitFor(() => a.announced.length > 0, 5000, 'announced');
		return a;
	}

	/** node A's session ends as when its process is killed: its rows stay, its locks go */
	const killSessionOfA = () => query("SELECT pg_terminate_backend(backend_pid) FROM collab_nodes WHERE node_id = 'a'");

	it("shows on node B who is at work in a document node A serves, and announces only after writing", async () => {
		const [a, b] = [await node(pg(), 'a'), await node(pg(), 'b')];
		expect(await a.cluster.claim('action:one')).toBe(true);
		a.local.set('plan-1', [{ name: 'action:one', users: [ruben] }]);
		a.presence.changed('plan-1');
		await waitFor(() => a.announced.includes('plan-1'), 5000, 'announced');
		expect(await b.presence.read('plan-1')).toEqual([{ name: 'action:one', users: [ruben] }]);
		expect(await b.presence.read('plan-2')).toEqual([]);
		await a.presence.close();
		await a.cluster.close();
		await b.presence.close();
		await b.cluster.close();
	});

	it('merges its own sockets with those of the other node', async () => {
		const [a, b] = [await node(pg(), 'a'), await node(pg(), 'b')];
		expect(await a.cluster.claim('action:two')).toBe(true);
		expect(await b.cluster.claim('theme:three')).toBe(true);
		a.local.set('plan-1', [{ name: 'action:two', users: [ruben, sanne] }]);
		b.local.set('plan-1', [{ name: 'theme:three', users: [sanne] }]);
		a.presence.changed('plan-1');
		await waitFor(() => a.announced.length > 0, 5000, 'announced');
		const seen = await b.presence.read('plan-1');
		expect(seen.map((d) => [d.name, d.users.map((u) => u.name).sort()]).sort()).toEqual([
			['action:two', ['Ruben', 'Sanne']],
			['theme:three', ['Sanne']]
		]);
		for (const n of [a, b]) {
			await n.presence.close();
			await n.cluster.close();
		}
	});

	it('forgets the people of a node that died, at once', async () => {
		const a = await nodeAWithRuben('action:four', 'plan-4');
		const b = await node(pg(), 'b');
		expect((await b.presence.read('plan-4')).length).toBe(1);
		await killSessionOfA();
		await waitFor(async () => (await b.presence.read('plan-4')).length === 0, 5000, 'gone');
		expect(await rowsOf('a')).toBe(1);
		await a.cluster.close();
		await b.presence.close();
		await b.cluster.close();
	});

	it('clears the rows a dead node left when a node starts', async () => {
		const a = await nodeAWithRuben('action:six', 'plan-6');
		expect(await rowsOf('a')).toBe(1);
		await killSessionOfA();
		const sessionOfA = "SELECT 1 FROM collab_nodes n JOIN pg_stat_activity s ON s.pid = n.backend_pid WHERE n.node_id = 'a'";
		await waitFor(async () => (await query(sessionOfA)).rowCount === 0, 5000, 'session gone');
		const c = await node(pg(), 'c');
		expect(await rowsOf('a')).toBe(0);
		await a.cluster.close();
		await c.presence.close();
		await c.cluster.close();
	});

	it('ends with what the node has last, however fast people come and go', async () => {
		const [a, b] = [await node(pg(), 'a'), await node(pg(), 'b')];
		expect(await a.cluster.claim('action:five')).toBe(true);
		for (let i = 0; i < 30; i++) {
			a.local.set('plan-5', i % 2 ? [] : [{ name: 'action:five', users: i % 3 ? [ruben] : [ruben, sanne] }]);
			a.presence.changed('plan-5');
		}
		a.local.set('plan-5', [{ name: 'action:five', users: [sanne] }]);
		a.presence.changed('plan-5');
		await waitFor(async () => JSON.stringify(await b.presence.read('plan-5')) === JSON.stringify([{ name: 'action:five', users: [sanne] }]), 5000, 'last state');
		expect(a.announced.length).toBeLessThan(31);
		for (const n of [a, b]) {
			await n.presence.close();
			await n.cluster.close();
		}
	});
});
