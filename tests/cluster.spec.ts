import { expect, test, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { postgresDocumentStore } from '../server/collab/document-store.ts';
import { docFromStored } from '../server/collab/store.ts';
import { startBalancer } from '../server/testing/balancer.ts';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../server/testing/postgres.ts';
import { expectFitsPhone, login, NOG_PLAN, ARNHEM_PLAN, planBySlug, type AccountName } from './fixtures.ts';
import { freePort, waitForHealth } from './server-process.ts';

/**
 * Kring as a host runs it with several nodes (issue 18, docs/scaling.md): two
 * nodes started as the README says (`node --import tsx server/index.ts` with
 * DATABASE_URL and NODE_ID) on one PostgreSQL with the demo data, each
 * reached directly, and a load balancer in front of both: HAProxy with
 * docs/haproxy.cfg.example where it is installed (.ci/run installs it), else
 * a TCP balancer (server/testing/balancer.ts). In the browser:
 * a plan page on node B shows live what is added on node A, and who is at
 * work in a card node A serves; and with the balancer, the node that serves
 * a card is killed with SIGKILL while someone types in it, and nothing they
 * saw saved is lost.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const skip = postgresSkipReason();

interface Node {
	id: string;
	port: number;
	url: string;
	child: ChildProcess;
	log: () => string;
}

let postgres: TestPostgres | undefined;
let databaseUrl: string;
let reader: pg.Pool;
let balancer: { close(): void } | undefined;
let balancerUrl: string;
const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'].find((p) => existsSync(p));
const nodes = new Map<string, Node>();

async function startNode(id: string): Promise<Node> {
	const port = await freePort();
	const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, NODE_ID: id, LOG_LEVEL: 'warn' };
	delete env.ORIGIN;
	delete env.DATABASE_PATH;
	const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
	let err = '';
	child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
	const node = { id, port, url: `http://127.0.0.1:${port}`, child, log: () => err };
	nodes.set(id, node);
	await Promise.race([
		waitForHealth(node.url),
		new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`node ${id} exited (${code})\n${err}`))))
	]);
	return node;
}

/**
 * HAProxy with docs/haproxy.cfg.example as a host would write it, with the
 * addresses of this test's nodes: round robin for pages, hashed on
 * /collab/<name> for sockets, /readyz as health check.
 */
async function startHaproxy(binary: string, ports: Record<string, number>): Promise<{ close(): void; url: string }> {
	const port = await freePort();
	let config = readFileSync(join(ROOT, 'docs/haproxy.cfg.example'), 'utf8')
		.split('\n')
		.filter((line) => !line.trimStart().startsWith('#'))
		.join('\n')
		.replace(/^(\s*)bind :80$/m, `$1bind 127.0.0.1:${port}`);
	for (const [id, nodePort] of Object.entries(ports)) config = config.replace(new RegExp(`^(\\s*server ${id}) \\S+$`, 'gm'), `$1 127.0.0.1:${nodePort}`);
	if (/10\.0\.0\.|bind :80/.test(config)) throw new Error('docs/haproxy.cfg.example no longer has the lines this test replaces');
	const dir = mkdtempSync(join(tmpdir(), 'kring-haproxy-'));
	writeFileSync(join(dir, 'haproxy.cfg'), config);
	const child = spawn(binary, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
	let err = '';
	for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (d: Buffer) => (err += d.toString('utf8')));
	const url = `http://127.0.0.1:${port}`;
	await Promise.race([waitForHealth(url), new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`haproxy exited (${code})\n${err}`))))]);
	return {
		url,
		close() {
			child.kill('SIGTERM');
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** A browser of its own, signed in at `baseURL` (a node, or the balancer). */
async function signedIn(browser: Browser, baseURL: string, account: AccountName): Promise<Page> {
	const context = await browser.newContext({ baseURL });
	const page = await context.newPage();
	await login(page, account);
	return page;
}

/** The node whose session holds the document's ownership lock (server/collab/cluster.ts). */
async function ownerOf(documentName: string): Promise<string | null> {
	const { rows } = await reader.query<{ node_id: string }>(
		`SELECT n.node_id FROM pg_locks l JOIN collab_nodes n ON n.backend_pid = l.pid
		 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.objid::text::bigint = (hashtext($1)::bigint & 4294967295)`,
		[documentName]
	);
	return rows[0]?.node_id ?? null;
}

/** What PostgreSQL holds of a card's description: what is saved, whoever shows it. */
async function storedDescription(documentName: string): Promise<string> {
	const doc = docFromStored(await postgresDocumentStore(reader).read(documentName));
	try {
		return doc.getXmlFragment('description').toString();
	} finally {
		doc.destroy();
	}
}

/** A rich-text field's text without other people's carets. */
function fieldText(page: Page, label: string): Promise<string> {
	return page.getByRole('textbox', { name: label }).evaluate((el) => {
		const copy = el.cloneNode(true) as HTMLElement;
		copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
		return copy.textContent ?? '';
	});
}

test.describe('two Kring nodes on one PostgreSQL database', () => {
	test.skip(skip !== null, skip ?? '');
	test.describe.configure({ mode: 'serial' });

	test.beforeAll(async () => {
		test.setTimeout(240_000);
		postgres = await startPostgres();
		databaseUrl = await postgres.createDatabase('kring_nodes');
		reader = new pg.Pool({ connectionString: databaseUrl, max: 2 });
		// the first node migrates and loads the demo data; the second finds them there
		await startNode('a');
		await startNode('b');
		if (HAPROXY) {
			const lb = await startHaproxy(HAPROXY, Object.fromEntries([...nodes.values()].map((n) => [n.id, n.port])));
			balancer = lb;
			balancerUrl = lb.url;
		} else {
			console.warn('HAProxy is not installed: the balancer is server/testing/balancer.ts');
			const lb = await startBalancer(() => [...nodes.values()].filter((n) => n.child.exitCode === null && n.child.signalCode === null).map((n) => n.port));
			balancer = lb.server;
			balancerUrl = `http://127.0.0.1:${lb.port}`;
		}
	});

	test.afterAll(async () => {
		balancer?.close();
		for (const node of nodes.values()) {
			if (node.child.exitCode !== null || node.child.signalCode !== null) continue;
			const exited = new Promise((resolve) => node.child.once('exit', resolve));
			node.child.kill('SIGTERM');
			await exited;
		}
		await reader?.end();
		await postgres?.stop();
	});

	test('a plan page on node B shows an action added on node A, live', async ({ browser }) => {
		const onA = await signedIn(browser, nodes.get('a')!.url, 'editor');
		const onB = await signedIn(browser, nodes.get('b')!.url, 'viewer');
		const plan = await planBySlug(onA, NOG_PLAN);
		await onB.goto(`/plannen/${plan.id}`);
		await onA.goto(`/plannen/${plan.id}`);
		const theme = onA.locator('section.kring-theme', { has: onA.getByRole('heading', { name: 'Preventie huiselijk geweld' }) });
		const title = `Voorlichting op twee servers ${Date.now()}`;
		await theme.getByText('Nieuwe actie').first().click();
		await theme.getByLabel('Titel van de nieuwe actie').first().fill(title);
		await theme.getByRole('button', { name: 'Toevoegen' }).first().click();
		await expect(onA.getByRole('status')).toContainText('De actie is toegevoegd.');
		await expect(onB.getByRole('link', { name: title })).toBeVisible({ timeout: 8000 });
		await onA.context().close();
		await onB.context().close();
	});

	test('a plan page on node B shows who is at work in a card that node A serves', async ({ browser }) => {
		const onB = await signedIn(browser, nodes.get('b')!.url, 'viewer');
		const onA = await signedIn(browser, nodes.get('a')!.url, 'editor');
		const plan = await planBySlug(onB, NOG_PLAN);
		const outline = (await (await onB.request.get(`/api/plans/${plan.id}`)).json()) as {
			chapters: { themes: { id: string; title: string; actions: { id: string; documentName: string }[] }[] }[];
		};
		const theme = outline.chapters.flatMap((c) => c.themes).find((t) => t.actions.length > 0)!;
		const action = theme.actions[0];
		await onB.goto(`/plannen/${plan.id}`);
		const here = onB.locator(`#onderdeel-${theme.id}`).getByRole('list', { name: `Nu bezig in ${theme.title}` });
		await onA.goto(`/plannen/${plan.id}/acties/${action.id}`);
		await expect(onA.getByRole('textbox', { name: 'Omschrijving actie' })).toHaveAttribute('contenteditable', 'true');
		expect(await ownerOf(action.documentName)).toBe('a');
		await expect(here.getByText('Joris van Dam')).toBeVisible({ timeout: 8000 });
		await onB.locator(`#titel-${theme.id}`).evaluate((el) => el.scrollIntoView({ block: 'start' }));
		await onB.screenshot({ path: test.info().outputPath('presence-on-b.png') });
		await expectFitsPhone(onB, 'the plan page on node B with someone at work');
		await onA.goto('/');
		await expect(here.getByText('Joris van Dam')).toHaveCount(0, { timeout: 8000 });
		await onA.context().close();
		await onB.context().close();
	});

	test('the node that serves a card is killed while someone types in it: nothing saved is lost, typing goes on', async ({ browser }) => {
		test.setTimeout(120_000);
		const page = await signedIn(browser, balancerUrl, 'arnhem');
		const plan = await planBySlug(page, ARNHEM_PLAN);
		const detail = (await (await page.request.get(`/api/plans/${plan.id}`)).json()) as {
			chapters: { themes: { actions: { id: string; documentName: string }[] }[] }[];
		};
		const action = detail.chapters.flatMap((c) => c.themes.flatMap((t) => t.actions))[2];
		await page.goto(`/plannen/${plan.id}/acties/${action.id}`);
		const field = page.getByRole('textbox', { name: 'Omschrijving actie' });
		await expect(field).toHaveAttribute('contenteditable', 'true');
		const saved = page.locator('.kring-connection', { hasText: 'Alle wijzigingen opgeslagen' });
		await field.click();
		await page.keyboard.press('Control+End');
		await page.keyboard.type(' Voor de storing.');
		await expect(saved).toBeVisible({ timeout: 10_000 });

		const owner = await ownerOf(action.documentName);
		expect(owner === 'a' || owner === 'b').toBe(true);
		const victim = nodes.get(owner!)!;
		const gone = new Promise((resolve) => victim.child.once('exit', resolve));
		victim.child.kill('SIGKILL');
		await gone;
		// typed while the page reconnects through the balancer to the node that is left
		await page.keyboard.type(' Tijdens de storing.');
		await expect.poll(() => storedDescription(action.documentName), { timeout: 20_000 }).toContain('Voor de storing. Tijdens de storing.');
		await page.keyboard.type(' Erna.');
		await expect.poll(() => storedDescription(action.documentName), { timeout: 10_000 }).toContain('Voor de storing. Tijdens de storing. Erna.');
		await expect(saved).toBeVisible({ timeout: 10_000 });
		const survivor = [...nodes.values()].find((n) => n !== victim)!;
		expect(await ownerOf(action.documentName)).toBe(survivor.id);

		// someone who opens the card now, at the node that is left, reads all of it
		const later = await signedIn(browser, survivor.url, 'admin');
		await later.goto(`/plannen/${plan.id}/acties/${action.id}`);
		await expect(later.getByRole('textbox', { name: 'Omschrijving actie' })).toHaveAttribute('contenteditable', 'true');
		await expect.poll(() => fieldText(later, 'Omschrijving actie')).toContain('Voor de storing. Tijdens de storing. Erna.');
		await page.context().close();
		await later.context().close();
	});
});
