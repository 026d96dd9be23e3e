/**
 * Listening: an HTTP server for the app, with the limits on slow and oversized clients of its
 * configuration (`HEADERS_TIMEOUT`, `REQUEST_TIMEOUT`, `MAX_HEADER_SIZE`; what node refuses is
 * answered by src/http/client-error.ts) and the keep-alive timeout of `defaults.ts`. `close()` drains
 * it (src/ops/graceful-shutdown.ts: no new connections, in-flight requests finish, cut only after
 * `shutdownTimeoutMs`), then closes the app: every write the API acknowledged has reached the
 * database before it is closed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from './app.ts';
import { defaults } from './config/defaults.ts';
import { clientErrorHandler } from './http/client-error.ts';
import { closableResponses, drainServer } from './ops/graceful-shutdown.ts';

export interface RunningServer {
  readonly server: Server;
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

export function listen(app: App, port: number, host: string): Promise<RunningServer> {
  const { headersTimeoutMs, requestTimeoutMs, maxHeaderBytes } = app.config.http;
  const closable = closableResponses();
  const server = createServer({
    ServerResponse: app.responses(closable.ServerResponse),
    requestTimeout: requestTimeoutMs,
    headersTimeout: headersTimeoutMs,
    connectionsCheckingInterval: Math.min(defaults.timeoutCheckIntervalMs, Math.ceil(headersTimeoutMs / 4)),
    maxHeaderSize: maxHeaderBytes,
  }, app.listener);
  server.keepAliveTimeout = defaults.keepAliveTimeoutMs;
  server.on('clientError', clientErrorHandler);
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
          closing ??= drainServer(server, app.config.shutdownTimeoutMs, { closable }).then(() => app.close());
          return closing;
        },
      });
    });
  });
}
