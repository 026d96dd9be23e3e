/**
 * blog-server as production runs it under PM2, for the deployment benchmark: the devDependency's
 * `node_modules/.bin/pm2 start deploy/ecosystem.config.cjs` (what `npm run prd` runs), cluster mode,
 * PM2_INSTANCES workers, with a PM2_HOME of its own in a short temp folder (PM2 keeps unix sockets
 * there: 108-byte limit). The settings come through the environment, as in a deployment; the
 * ecosystem reads the repository's `.env` only for what the environment leaves unset. `pm2 kill`
 * always runs at the end (bench/cleanup.ts), and the daemon is killed by its pid if that fails.
 * The same way as test/helpers/pm2.ts starts it; not imported from there, which is test code.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleaningUp, onCleanup } from './cleanup.ts';
import { blogServerEnv, type RunContext } from './lineup.ts';
import { childrenOf, freePort } from './proc.ts';

export interface Pm2Cluster {
  baseUrl: string;
  /** The workers' pids, from `pm2 jlist`, once they are all online. */
  workerPids: number[];
  /** The PM2 daemon ("God", from PM2_HOME/pm2.pid), which is also node:cluster's primary: it accepts the connections and hands them to the workers. */
  daemonPid: number;
  /** The daemon and any other child of it that is not a worker, read once after start like the workers. */
  daemonPids: number[];
  /** Throws unless the same workers as at start are online and none was restarted. */
  checkUnchanged(): Promise<void>;
  /** `pm2 kill`, then the daemon's pid if it is still there; removes PM2_HOME. */
  stop(): Promise<void>;
}

interface Worker {
  pid: number;
  status: string;
  restarts: number;
}


function run(file: string, args: string[], env: Record<string, string>, cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, output: `${stdout}${stderr}${error?.killed === true ? `\n(killed after ${timeoutMs} ms)` : ''}` });
    });
  });
}


/** A cluster of `instances` blog-server workers on `databaseUrl`, every one online and answering. */
export async function startPm2Cluster(databaseUrl: string, context: RunContext, instances: number): Promise<Pm2Cluster> {
  if (cleaningUp()) throw new Error('bench: not starting PM2, cleaning up');
  const pm2Bin = join(context.root, 'node_modules', '.bin', 'pm2');
  if (!existsSync(pm2Bin)) throw new Error(`bench: ${pm2Bin} is missing (pm2 is a devDependency: npm install)`);
  const home = mkdtempSync('/tmp/pm2-');
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? home,
    PM2_HOME: home,
    // No banner, and no version check over the network.
    PM2_DISCRETE_MODE: 'true',
    PM2_DISABLE_VERSION_CHECK: 'true',
    ...blogServerEnv(databaseUrl, context),
    PORT: String(port),
    HOST: '127.0.0.1',
    PM2_INSTANCES: String(instances),
  };
  const pidFile = join(home, 'pm2.pid');
  const killDaemonByPid = () => {
    if (!existsSync(pidFile)) return;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const stop = onCleanup('PM2', async () => {
    const killed = await run(pm2Bin, ['kill'], env, context.root, 20_000);
    if (killed.code !== 0) console.error(`bench: pm2 kill failed (${killed.code}), killing its daemon: ${killed.output.trim()}`);
    // If `pm2 kill` could not talk to it, the daemon goes by its pid; its cluster workers exit with it.
    killDaemonByPid();
    rmSync(home, { recursive: true, force: true });
  }, () => {
    spawnSync(pm2Bin, ['kill'], { env, timeout: 15_000, stdio: 'ignore' });
    killDaemonByPid();
    rmSync(home, { recursive: true, force: true });
  });

  const workers = async (): Promise<Worker[]> => {
    const { code, output } = await run(pm2Bin, ['jlist'], env, context.root, 30_000);
    if (code !== 0) throw new Error(`bench: pm2 jlist failed (${code}): ${output.trim()}`);
    const list = JSON.parse(output.slice(output.indexOf('['), output.lastIndexOf(']') + 1)) as { name: string; pid: number; pm2_env: { status: string; restart_time: number } }[];
    return list.filter((entry) => entry.name === 'blog-server').map((entry) => ({ pid: entry.pid, status: entry.pm2_env.status, restarts: entry.pm2_env.restart_time }));
  };

  try {
    const started = await run(pm2Bin, ['start', 'deploy/ecosystem.config.cjs'], env, context.root, 90_000);
    if (started.code !== 0) throw new Error(`bench: pm2 start failed (${started.code}): ${started.output.trim()}`);
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    let seen: Worker[] = [];
    for (;;) {
      seen = await workers();
      const online = seen.length === instances && seen.every((worker) => worker.status === 'online' && worker.pid > 0);
      const answers = online && (await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(1_000) }).then(async (response) => (await response.arrayBuffer(), true), () => false));
      if (answers) break;
      if (Date.now() > deadline || cleaningUp()) throw new Error(`bench: PM2 cluster of ${instances} did not come up within 60 s (last seen: ${JSON.stringify(seen)}); see ${join(context.tmpDir, 'logs')}/pm2-error-*.log`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const workerPids = seen.map((worker) => worker.pid);
    const daemonPid = Number(readFileSync(pidFile, 'utf8'));
    if (!Number.isInteger(daemonPid) || daemonPid <= 0) throw new Error(`bench: no PM2 daemon pid in ${pidFile}`);
    return {
      baseUrl,
      workerPids,
      daemonPid,
      daemonPids: [daemonPid, ...childrenOf(daemonPid).filter((pid) => !workerPids.includes(pid))],
      async checkUnchanged() {
        const now = await workers();
        const same = now.length === workerPids.length && now.every((worker) => worker.status === 'online' && worker.restarts === 0 && workerPids.includes(worker.pid));
        if (!same) throw new Error(`bench: PM2's workers changed during the measurement (pids ${workerPids.join(', ')} at start, now ${JSON.stringify(now)}): its CPU figures would be wrong`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
