/**
 * A TCP proxy on 127.0.0.1 that a test controls, put between the server under test and a database or
 * Redis to fail the backend on demand: `cut()` is a backend that died (open connections reset, new
 * ones reset as they come), `refuse()` a host with nothing listening (connections refused),
 * `freeze()` one that hangs (connections stay open, nothing comes back), and `restore()` brings it back.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

type Mode = 'open' | 'cut' | 'frozen' | 'refused';

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Bytes held while frozen, per direction, delivered on restore. */
  held: { toUpstream: Buffer[]; toClient: Buffer[] };
}

export class TcpProxy {
  readonly #server: Server;
  readonly #target: { host: string; port: number };
  readonly #pairs = new Set<Pair>();
  #mode: Mode = 'open';
  /** The port, remembered while nothing listens on it. */
  #port = 0;

  private constructor(server: Server, target: { host: string; port: number }) {
    this.#server = server;
    this.#target = target;
    server.on('connection', (client) => this.#accept(client));
  }

  /** Listens on a free port of 127.0.0.1 and forwards to `target`. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, target);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    if (this.#mode === 'refused') return this.#port;
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening');
    return address.port;
  }

  /** `url` with its host and port replaced by the proxy's. */
  route(url: string): string {
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(this.port);
    return routed.toString();
  }

  /** The backend dies: every connection is reset, and new ones are reset as they come. */
  cut(): void {
    this.#mode = 'cut';
    for (const pair of this.#pairs) this.#drop(pair);
  }

  /** Nothing listens any more: open connections are reset, new ones refused (ECONNREFUSED). */
  async refuse(): Promise<void> {
    const port = this.port;
    this.cut();
    this.#mode = 'refused';
    this.#port = port;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The backend hangs: connections stay open (new ones are accepted) but nothing is delivered. */
  freeze(): void {
    this.#mode = 'frozen';
  }

  /** The backend is back (on the same port); bytes held while frozen are delivered. */
  async restore(): Promise<void> {
    if (this.#mode === 'refused') {
      await new Promise<void>((resolve, reject) => {
        this.#server.once('error', reject);
        this.#server.listen(this.#port, '127.0.0.1', () => resolve());
      });
    }
    this.#mode = 'open';
    for (const pair of this.#pairs) {
      for (const chunk of pair.held.toUpstream.splice(0)) pair.upstream.write(chunk);
      for (const chunk of pair.held.toClient.splice(0)) pair.client.write(chunk);
    }
  }

  async close(): Promise<void> {
    if (this.#mode === 'refused') return;
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (this.#mode === 'cut') {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.#target);
    const pair: Pair = { client, upstream, held: { toUpstream: [], toClient: [] } };
    this.#pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (this.#mode === 'frozen') pair.held.toUpstream.push(chunk);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.#mode === 'frozen') pair.held.toClient.push(chunk);
      else client.write(chunk);
    });
    const end = () => this.#drop(pair);
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }

  #drop(pair: Pair): void {
    if (!this.#pairs.delete(pair)) return;
    pair.client.resetAndDestroy();
    pair.upstream.destroy();
  }
}
