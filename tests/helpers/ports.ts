// A free TCP port on loopback, for the servers tests and benches start themselves (PostgreSQL, Redis, MLflow):
// the kernel picks it for a moment's listener, which is closed before the port is handed on.
import net from 'node:net';

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}
