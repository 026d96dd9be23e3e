/**
 * What lets an outside tool rotate the access log: a PID file in `LOG_DIR` (`blog-server.pid`, or
 * `blog-server.<instance>.pid` under PM2 cluster mode, beside that process's `access.<instance>.log`)
 * that deploy/logrotate.conf and deploy/split-logs.sh read, and a SIGHUP handler that reopens the log
 * (node's default on SIGHUP is to exit). The PID file is removed when the process exits. A live
 * process already named in it means two servers would write one file: refused at start — except
 * under PM2, where it is the worker this one replaces in a `pm2 reload` (the new worker starts before
 * the old one leaves): the new one takes the file over, and the old one, leaving, removes it only if
 * it still names itself.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/setting.ts';
import { pm2ProcessOf } from './process-manager.ts';

export interface Reopenable {
  reopenLogs(): Promise<void>;
}

export interface HangupLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

/** `blog-server.pid`, or `blog-server.3.pid` for PM2 instance 3. */
export function pidFileName(instance: string | undefined): string {
  return instance === undefined ? 'blog-server.pid' : `blog-server.${instance}.pid`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes this process's PID file in `logDir`; throws a ConfigError if a live other process holds it. */
export function writePidFile(logDir: string, instance: string | undefined): string {
  const path = join(logDir, pidFileName(instance));
  mkdirSync(logDir, { recursive: true });
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(path, 'utf8').trim());
  } catch {
    holder = undefined;
  }
  const reloading = pm2ProcessOf() !== undefined;
  if (!reloading && holder !== undefined && Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
    throw new ConfigError('LOG_DIR', `${path} names the running process ${holder}: two servers would write one access log (give each its own LOG_DIR, or run them as PM2 instances)`);
  }
  writeFileSync(path, `${process.pid}\n`);
  return path;
}

export interface HangupWatch {
  /** Stops listening for SIGHUP and removes the PID file. */
  dispose(): void;
}

/**
 * Writes the PID file in `logDir` (removed when the process exits) and reopens the app's log files on
 * SIGHUP. Only for a server that logs to files: on a terminal, SIGHUP (the terminal closed) must still
 * end the process.
 */
export function reopenLogsOnHangup(app: Reopenable, log: HangupLog, pidFile: { logDir: string; instance: string | undefined }): HangupWatch {
  const path = writePidFile(pidFile.logDir, pidFile.instance);
  const removePidFile = () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
    } catch {
      // Already gone.
    }
  };
  const onHangup = () => {
    app.reopenLogs().then(
      () => log.info('SIGHUP, log files reopened'),
      (error: unknown) => log.error('SIGHUP: reopening the log files failed:', error),
    );
  };
  process.on('SIGHUP', onHangup);
  process.once('exit', removePidFile);
  return {
    dispose() {
      process.off('SIGHUP', onHangup);
      process.off('exit', removePidFile);
      removePidFile();
    },
  };
}
