import { createServer } from 'node:net';

/**
 * For the specs that start a Kring of their own (an empty database, a proxy
 * in front, a shutdown, an evaluation that must not disturb the shared demo):
 * a free port on 127.0.0.1, and waiting until the server answers /healthz.
 */

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => resolve(port));
		});
	});
}

/** Polls `<url>/healthz` every 0.5 s; gives up after two minutes (a loaded 2-core machine starts slowly). */
export async function waitForHealth(url: string): Promise<void> {
	for (let i = 0; i < 240; i++) {
		try {
			if ((await fetch(`${url}/healthz`)).ok) return;
		} catch {
			/* not listening yet */
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error('server did not become healthy');
}
