/**
 * Listening: an HTTP server for the app, with the socket timeouts of `defaults.ts`. `close()` drains
 * it (src/ops/graceful-shutdown.ts: no new connections, in-flight requests finish, cut only after
 * `shutdownTimeoutMs`), then closes the app: every write the API acknowledged has reached the
 * database before it is closed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from './app.ts';
import { defaults } from './config/defaults.ts';
import { drainServer } from './ops/graceful-shutdown.ts';

export interface RunningServer {
  readonly server: Server;
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

export function listen(app: App, port: number, host: string): Promise<RunningServer> {
  const server = createServer({ requestTimeout: defaults.requestTimeoutMs, headersTimeout: defaults.headersTimeoutMs }, app.listener);
  server.keepAliveTimeout = defaults.keepAliveTimeoutMs;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        server,
        url: `http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? 'localhost' : shownHost}:${address.port}`,
        close() {
          closing ??= drainServer(server, app.config.shutdownTimeoutMs).then(() => app.close());
          return closing;
        },
      });
    });
  });
}
