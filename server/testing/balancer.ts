import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP load balancer for the tests with several nodes: round robin per
 * connection, skipping a node that refuses (a dead one), as a host's
 * balancer with health checks would. Each HTTP request or WebSocket on its
 * own connection may reach another node.
 */
export function startBalancer(ports: () => number[]): Promise<{ server: Server; port: number }> {
	let next = 0;
	const server = createServer((client: Socket) => {
		const candidates = ports();
		const start = next++;
		const attempt = (i: number) => {
			if (i >= candidates.length) return client.destroy();
			const upstream = connect(candidates[(start + i) % candidates.length], '127.0.0.1');
			let connected = false;
			upstream.once('error', () => {
				if (!connected) attempt(i + 1);
				else client.destroy();
			});
			upstream.once('connect', () => {
				connected = true;
				client.pipe(upstream).pipe(client);
				client.on('error', () => upstream.destroy());
				upstream.on('error', () => client.destroy());
				upstream.on('close', () => client.destroy());
				client.on('close', () => upstream.destroy());
			});
		};
		attempt(0);
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}
