/**
 * A throw nobody caught, or a promise rejection nobody handled, leaves the process in a state no
 * code planned for (Node's own advice: log synchronously, then exit). `exitOnUncaughtErrors` makes
 * that one error record with the stack in the app log, then exits 1 so that PM2 (or systemd)
 * starts a fresh process — instead of Node's default multi-line dump on stderr, which the error log
 * would hold as many unrelated lines.
 */
import type { AppLog } from './app-log.ts';

export interface UncaughtOptions {
  /** Where the handlers go; `process` unless a test gives its own. */
  source?: { on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown };
  /** @default process.exit */
  exit?: (code: number) => void;
}

/** The exit code after an uncaught error: Node's own for an uncaught exception. */
export const uncaughtExitCode = 1;

/** Logs an uncaught exception or unhandled rejection as one error record, then exits 1. */
export function exitOnUncaughtErrors(log: Pick<AppLog, 'error'>, options: UncaughtOptions = {}): void {
  const { source = process, exit = (code: number) => process.exit(code) } = options;
  let exiting = false;
  const fail = (what: string) => (error: unknown) => {
    // A second failure while exiting (another rejection in the same tick) is logged, not exited twice.
    log.error(`${what}, exiting:`, error);
    if (exiting) return;
    exiting = true;
    exit(uncaughtExitCode);
  };
  source.on('uncaughtException', fail('uncaught exception'));
  source.on('unhandledRejection', fail('unhandled promise rejection'));
}
