/**
 * Running under a process manager (PM2, deploy/ecosystem.config.cjs): knowing whether this process
 * is one of several workers, refusing what cannot be shared between them, and telling PM2 when the
 * process is ready for traffic (`wait_ready`), so that `pm2 reload` stops an old worker only once its
 * replacement can answer.
 */
import cluster from 'node:cluster';
import { ConfigError, type Config } from '../config/config.ts';
import type { Stoppable } from './graceful-shutdown.ts';

type Variables = Readonly<Record<string, string | undefined>>;

/** What PM2 tells the processes it runs: it copies its `pm2_env` into their environment (PM2 7, lib/ProcessContainer.js). */
export interface Pm2Process {
  /** `pm_id`: PM2's id of this process, kept across restarts and reloads. */
  id: string;
  /** `exec_mode`: `cluster_mode` (workers of node:cluster sharing one port) or `fork_mode`. */
  mode: 'cluster' | 'fork';
  /** `instances`: how many processes of this app PM2 runs. */
  instances: number;
}

/** This process as PM2 describes it, or undefined when PM2 did not start it. */
export function pm2ProcessOf(env: Variables = process.env): Pm2Process | undefined {
  if (env.pm_id === undefined) return undefined;
  const instances = Number(env.instances);
  return { id: env.pm_id, mode: env.exec_mode === 'cluster_mode' ? 'cluster' : 'fork', instances: Number.isInteger(instances) && instances > 0 ? instances : 1 };
}

/**
 * Whether other processes serve the same site beside this one on this machine: a worker of
 * node:cluster (every PM2 cluster worker is one), or one of several PM2 fork-mode instances. A
 * single-instance cluster counts too: `pm2 reload` runs the old and the new worker side by side.
 */
export function isClusterWorker(env: Variables = process.env, nodeClusterWorker: boolean = cluster.isWorker): boolean {
  const pm2 = pm2ProcessOf(env);
  return nodeClusterWorker || (pm2 !== undefined && (pm2.mode === 'cluster' || pm2.instances > 1));
}

/**
 * Throws a ConfigError when `config` keeps per-process what several processes must share: memory
 * sessions (and with them the memory login limiter) in a cluster would log a user in on one worker
 * only, and give an attacker the failed-login allowance once per worker.
 */
export function refuseUnsharedState(config: Config, env: Variables = process.env, nodeClusterWorker: boolean = cluster.isWorker): void {
  if (config.session.store !== 'memory' || !isClusterWorker(env, nodeClusterWorker)) return;
  const pm2 = pm2ProcessOf(env);
  const where = pm2 === undefined ? 'a worker of a node:cluster' : `PM2 process ${pm2.id} of ${pm2.instances} (${pm2.mode} mode)`;
  throw new ConfigError(
    'SESSION_STORE',
    `memory keeps sessions and failed-login counts inside one process, and this is ${where}: each worker would have its own. Use sqlite (the processes of one machine share its file) or redis (several machines)`,
  );
}

/**
 * Tells the process manager that this process listens and its database and session store are open
 * (PM2's `wait_ready` waits for the message `ready`); does nothing without an IPC channel.
 */
export function signalReady(): void {
  if (process.send !== undefined && process.connected) process.send('ready');
}

/** How long a stopping worker waits for the cluster primary's answer before exiting anyway, ms. */
const leaveTimeoutMs = 2_000;

/**
 * A worker of node:cluster that stops: waits until the primary has stopped handing it connections.
 * The primary passes each new connection to a worker and keeps it until the worker answers; one
 * passed just as the worker closed its server is answered "not accepted" and goes to another worker
 * — if the worker is still there to read it. A worker that exits first leaves that connection
 * open in the primary with nobody to answer it: the client hangs (seen under `pm2 reload`).
 * `worker.disconnect()` asks the primary for an acknowledgement, which arrives after every
 * connection it sent before, so exiting after it loses none. Outside a cluster: nothing to do.
 */
export async function leaveCluster(): Promise<void> {
  const worker = cluster.worker;
  if (worker === undefined || !worker.isConnected()) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, leaveTimeoutMs);
    worker.once('disconnect', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.disconnect();
  });
}

/** `running`, whose `close()` also leaves the cluster (see `leaveCluster`) once it has drained and closed. */
export function leavingClusterOnClose(running: Stoppable): Stoppable {
  return { close: () => running.close().then(leaveCluster) };
}
