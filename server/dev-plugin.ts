import type { Plugin } from 'vite';

/**
 * In `npm run dev`, runs the same composition as server/index.ts inside
 * Vite's dev server: database, demo data, runtime and the collaboration socket.
 */
export function kringDevServer(): Plugin {
	return {
		name: 'kring-dev-server',
		apply: 'serve',
		async configureServer(server) {
			if (process.env.VITEST) return;
			const { readConfig } = await import('./config.ts');
			const { startKring } = await import('./app.ts');
			const kring = await startKring(readConfig());
			server.httpServer?.on('upgrade', (req, socket, head) => {
				if (req.url?.startsWith('/collab/')) kring.handleUpgrade(req, socket, head);
			});
			server.httpServer?.on('close', () => void kring.close());
		}
	};
}
