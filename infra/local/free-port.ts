import { createServer } from 'node:net';

/** Whether a listen on `port` (0: the system's choice) succeeds; the port it got, released again. */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const got = (srv.address() as { port: number }).port;
      srv.close(() => resolve(got));
    });
  });
}

/**
 * A port nothing listens on right now (for emulators that cannot bind port 0 themselves), taken below the
 * ephemeral ranges (Linux 32768–60999, macOS and Windows 49152+). The caller binds it seconds later (the
 * DynamoDB Local JVM, the gateway after the other emulators): a port from the ephemeral range could meanwhile be
 * handed to another process's port-0 bind, as a parallel test worker's emulators do (seen: EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probe(20_000 + Math.floor(Math.random() * 12_000));
    if (port) return port;
  }
  const port = await probe(0);
  if (!port) throw new Error('no free port');
  return port;
}
