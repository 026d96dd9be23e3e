/** One measurement with autocannon's programmatic API: a warm-up that is not counted, then the measured run. */
import autocannon from 'autocannon';
import type { RequestSpec } from './endpoints.ts';

export interface Load {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers that were not 2xx, plus connection errors and timeouts. */
  failures: number;
  /** The server's CPU time per answer, µs: steadier than req/s when other work shares the machine. */
  cpuMicrosecondsPerRequest: number | undefined;
}

let running: autocannon.Instance | undefined;

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    running = autocannon(options, (error: unknown, result: autocannon.Result) => {
      running = undefined;
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(result);
    });
  });
}

/** Stops the load generator now (Ctrl-C). */
export function stopMeasuring(): void {
  running?.stop();
}

/** `cpuSeconds` reads the server process's CPU time so far (undefined where it cannot be read). */
export async function measure(baseUrl: string, request: RequestSpec, load: Load, cpuSeconds: () => number | undefined): Promise<Measurement> {
  const options: autocannon.Options = {
    url: `${baseUrl}${request.path}`,
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    connections: load.connections,
    pipelining: 1,
    timeout: 30,
  };
  if (load.warmupSeconds > 0) await run({ ...options, duration: load.warmupSeconds });
  const cpuBefore = cpuSeconds();
  const result = await run({ ...options, duration: load.durationSeconds });
  const cpuAfter = cpuSeconds();
  const cpu = cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0 ? undefined : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total;
  return {
    cpuMicrosecondsPerRequest: cpu,
    // Completed answers over the measured time: exact at a few requests a second too (login).
    requestsPerSecond: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors, // errors include timeouts
  };
}
