/**
 * Graceful shutdown, a process-level concern: `drainServer` stops accepting connections and lets
 * in-flight requests finish, cutting them only after a deadline; `stopOnSignals` closes a running
 * server on SIGINT/SIGTERM and exits, and exits at once on a second signal (an operator who presses
 * Ctrl-C twice does not want to wait).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
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

const inFlight = new WeakMap<Server, Set<ServerResponse>>();

/**
 * Keeps the responses of `server` that are in flight, so that `drainServer` can have those begun
 * before it close their connection too. Finished ones are dropped in sweeps, each once the set has
 * doubled: a listener per response would cost every request more than the set does.
 */
export function trackResponses(server: Server): void {
  const responses = new Set<ServerResponse>();
  let sweepAt = 1024;
  inFlight.set(server, responses);
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    responses.add(response);
    if (responses.size < sweepAt) return;
    for (const earlier of responses) if (earlier.writableEnded) responses.delete(earlier);
    sweepAt = Math.max(1024, responses.size * 2);
  });
}

/**
 * Stops `server` accepting and waits for its connections to end, cutting them after `timeoutMs`.
 * A keep-alive client must never send a request into a socket being closed: that request fails,
 * a POST included (seen under `pm2 reload` while idle sockets were closed at once). So from the
 * start every response not yet begun closes its connection (`Connection: close`): those of new
 * requests, and those in flight when `trackResponses` was called on the server (a slow POST that
 * finished keep-alive after the sweeps began had its socket closed as the client reused it). Idle
 * connections are closed only after `idleGraceMs`, by which a busy client has sent its next request
 * and been told; after that, idle connections are closed as they appear (those whose response had
 * already begun, a stream say).
 */
export async function drainServer(server: Server, timeoutMs: number, idleGraceMs: number = defaults.drainIdleGraceMs): Promise<void> {
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    response.shouldKeepAlive = false;
  });
  for (const response of inFlight.get(server) ?? []) if (!response.headersSent) response.shouldKeepAlive = false;
  const drained = stopAccepting(server);
  let idleSweep: NodeJS.Timeout | undefined;
  const grace = setTimeout(() => {
    server.closeIdleConnections();
    idleSweep = setInterval(() => server.closeIdleConnections(), 100);
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
