/**
 * Graceful shutdown, a process-level concern: `drainServer` stops accepting connections and lets
 * in-flight requests finish, cutting them only after a deadline; `stopOnSignals` closes a running
 * server on SIGINT/SIGTERM and exits, and exits at once on a second signal (an operator who presses
 * Ctrl-C twice does not want to wait).
 */
import { type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, type Server, ServerResponse } from 'node:http';
import { defaults } from '../config/defaults.ts';

/** node:http's `close()` without its immediate sweep of idle connections (node >= 19); resolves once every connection ended. */
function stopAccepting(server: Server): Promise<void> {
  const drained = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const instance = server as { closeIdleConnections: () => void };
  instance.closeIdleConnections = () => {};
  try {
    server.close();
  } finally {
    delete (instance as Partial<typeof instance>).closeIdleConnections;
  }
  return drained;
}

/**
 * The responses of one server (its `ServerResponse` class, given to `createServer`), told by a
 * drain to close their connection: every head written after `closeConnections()` says
 * `Connection: close`, also that of a request in flight when it was called. No set of responses is
 * kept: one of those in flight would hold finished ones past a scavenge, a cost on every request.
 */
export interface ClosableResponses {
  readonly ServerResponse: typeof ServerResponse;
  closeConnections(): void;
}

export function closableResponses(): ClosableResponses {
  let closing = false;
  class ClosableResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
    constructor(request: Request) {
      super(request);
      // An own property: Express gives every response a prototype of its own, which passes over the
      // class's methods (its responses went on saying keep-alive through a drain).
      Reflect.set(this, 'writeHead', ClosableResponse.prototype.writeHead);
    }

    override writeHead(statusCode: number, statusMessage?: string, headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this;
    override writeHead(statusCode: number, headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this;
    override writeHead(statusCode: number, statusOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
      if (closing) this.shouldKeepAlive = false;
      // node's writeHead takes the headers from the second argument when it is not a string.
      return super.writeHead(statusCode, statusOrHeaders as string, headers);
    }
  }
  return {
    ServerResponse: ClosableResponse,
    closeConnections: () => {
      closing = true;
    },
  };
}

/**
 * Stops `server` accepting and waits for its connections to end, cutting them after `timeoutMs`.
 * A keep-alive client must never send a request into a socket being closed: that request fails,
 * a POST included (seen under `pm2 reload` while idle sockets were closed at once). So from the
 * start every response not yet begun closes its connection (`Connection: close`): those of new
 * requests, and, when the server's responses are `closable` (`closableResponses`), those in flight
 * (a slow POST that finished keep-alive after the sweeps began had its socket closed as the client
 * reused it). Idle connections are closed only after `idleGraceMs`, by which a busy client has sent
 * its next request and been told; after that, idle connections are closed as they appear (those
 * whose response had already begun, a stream say).
 */
export async function drainServer(server: Server, timeoutMs: number, options: { idleGraceMs?: number; closable?: ClosableResponses } = {}): Promise<void> {
  const { idleGraceMs = defaults.drainIdleGraceMs, closable } = options;
  // Closable responses cover new requests too; other servers' new responses are told one by one.
  if (closable) closable.closeConnections();
  else {
    server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
      response.shouldKeepAlive = false;
    });
  }
  const drained = stopAccepting(server);
  // After the loop's next poll for I/O: a timer that comes due while the loop is held up (a search
  // build's batch, say) runs before the requests that arrived meanwhile are read, and their
  // connections would look idle and be reset under them.
  const sweep = () => setImmediate(() => server.closeIdleConnections());
  let idleSweep: NodeJS.Timeout | undefined;
  const grace = setTimeout(() => {
    sweep();
    idleSweep = setInterval(sweep, 100);
  }, Math.min(idleGraceMs, timeoutMs));
  const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
  try {
    await drained;
  } finally {
    clearTimeout(grace);
    clearInterval(idleSweep);
    clearTimeout(deadline);
  }
}

export interface Stoppable {
  close(): Promise<void>;
}

export interface ShutdownLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Where signals come from and how the process ends; `process` unless a test gives its own. */
export interface SignalOptions {
  signals?: readonly NodeJS.Signals[];
  source?: { on(signal: NodeJS.Signals, listener: () => void): unknown; off(signal: NodeJS.Signals, listener: () => void): unknown };
  exit?: (code: number) => void;
}

export interface SignalWatch {
  /** The exit code the watch exited with: 0 after a clean stop, 1 after a failed one or a second signal. */
  readonly exited: Promise<number>;
  /** Stops listening for the signals. */
  dispose(): void;
}

/** On the first of `signals` closes `running`, then exits 0 (1 if closing failed); a second signal exits 1 at once. */
export function stopOnSignals(running: Stoppable, log: ShutdownLog, options: SignalOptions = {}): SignalWatch {
  const { signals = ['SIGINT', 'SIGTERM'], source = process, exit = (code: number) => process.exit(code) } = options;
  let resolve: (code: number) => void = () => {};
  const exited = new Promise<number>((settle) => (resolve = settle));
  let done = false;
  // Once only: a close that settles after a second signal has already exited must not exit again.
  const exitWith = (code: number) => {
    if (done) return;
    done = true;
    resolve(code);
    exit(code);
  };
  let stopping = false;
  const listeners = signals.map((signal) => {
    const listener = () => {
      if (stopping) {
        log.error(`${signal} again, exiting now`);
        return exitWith(1);
      }
      stopping = true;
      log.info(`${signal}, finishing in-flight requests`);
      running.close().then(
        () => exitWith(0),
        (error: unknown) => {
          log.error('shutdown failed:', error);
          exitWith(1);
        },
      );
    };
    source.on(signal, listener);
    return { signal, listener };
  });
  return {
    exited,
    dispose: () => {
      for (const { signal, listener } of listeners) source.off(signal, listener);
    },
  };
}
