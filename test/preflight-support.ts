/** Shared by the preflight tests. */
import { createServer } from 'node:net';

/**
 * A loopback port with nothing listening on it (bound by the OS, then released), for the
 * "service down" paths without touching the machine's own services.
 * @example const port = await closedPort(); // connect → ECONNREFUSED
 */
export function closedPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}
