/**
 * The application log: events (start, listening, migrations, a backend lost or back, shutdown) and
 * errors, one record per physical line, so that `grep`, `tail -f`, `wc -l` and PM2's out/error files
 * (PM2 stores the child's stdout and stderr as they come) all count and show whole records:
 *
 *     2026-12-01T12:00:00.000Z INFO  blog-server: listening on http://127.0.0.1:3000 (engine native, …)
 *     2026-12-01T12:00:05.000Z ERROR blog-server: unexpected error: TypeError: x is not a function\n    at …
 *
 * ISO time (UTC), the level padded to 5, `blog-server:`, the message and, for a problem, the error's
 * stack and its causes. The text after the level is escaped as in a JSON string (`\n`, `\\`, `\u001b`…)
 * without the quotes: a newline in a message or a stack cannot start a forged record, a terminal
 * escape in a username cannot repaint the operator's screen, and a record stays one line even when
 * several PM2 instances append to the same file. `JSON.parse('"' + text.replaceAll('"', '\\"') + '"')`
 * turns the escaped text back into the original.
 *
 * info → stdout; warn and error → stderr. Each record is one synchronous `write` of a whole line
 * (stdout/stderr to files and pipes are synchronous in Node on Linux): nothing is held in a buffer
 * that a crash or `process.exit()` could lose.
 *
 * What the app logs never carries a password, a session id or a cookie: messages name users and
 * backends only, URLs come masked, and an error contributes its name, message, code and stack —
 * never its other properties (a driver error's parameters, a request's headers).
 */
import { inspect } from 'node:util';

/** Where the app reports events and problems; `createApp` and `serve` take one. */
export interface AppLog {
  info(message: string): void;
  /** Something went wrong and was handled (a backend lost, a purge skipped). */
  warn(message: string, error?: unknown): void;
  /** A request or an operation failed (a 5xx, an uncaught exception). */
  error(message: string, error?: unknown): void;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** Every character that could break a line or a terminal, plus the backslash that escaping uses. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this matches
const unsafe = /[\u0000-\u001f\u007f-\u009f\\\u2028\u2029]/g;
const named: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/** `text` with line breaks, control characters and backslashes escaped as in a JSON string. */
export function escapeLogText(text: string): string {
  return text.replace(unsafe, (character) => named[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** At most this many causes (or inner errors) deep: a cycle of causes must not hang the logger. */
const maxDepth = 5;

/** An error's stack (or name and message), its code when the stack does not show it, and its causes. */
export function describeForLog(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return inspect(error, { depth: 2, breakLength: Infinity });
  let text = error.stack ?? `${error.name}: ${error.message}`;
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' || typeof code === 'number') && !text.includes(String(code))) text += `\n    code: ${code}`;
  if (error instanceof AggregateError && depth < maxDepth) {
    for (const [index, inner] of [...(error.errors as unknown[])].slice(0, 10).entries()) text += `\n  [errors ${index}] ${describeForLog(inner, depth + 1)}`;
  }
  if (error.cause !== undefined && depth < maxDepth) text += `\ncaused by: ${describeForLog(error.cause, depth + 1)}`;
  return text;
}

/** One record, newline included: `<ISO time> <LEVEL> blog-server: <message>[ <error>]`. */
export function formatLogRecord(level: LogLevel, message: string, error: unknown, now: Date): string {
  // `''` is how callers with the older `(message, error)` shape say "no error".
  const detail = error === undefined || error === '' ? '' : `${/[:\s]$/.test(message) ? ' ' : ': '}${describeForLog(error)}`;
  return `${now.toISOString()} ${level.toUpperCase().padEnd(5)} blog-server: ${escapeLogText(message + detail)}\n`;
}

export interface AppLogTarget {
  /** Receives info records. @default process.stdout */
  stdout?: { write(text: string): unknown };
  /** Receives warn and error records. @default process.stderr */
  stderr?: { write(text: string): unknown };
  /** @default () => new Date() */
  now?: () => Date;
}

/** The older shape of a log, `(message, error)`: it receives every record, `''` for "no error". */
export type LogFunction = (message: string, error: unknown) => void;

/** `log` as an AppLog; a LogFunction gets every level (tests that only collect or silence lines). */
export function toAppLog(log: AppLog | LogFunction): AppLog {
  if (typeof log !== 'function') return log;
  return { info: (message) => log(message, ''), warn: (message, error) => log(message, error ?? ''), error: (message, error) => log(message, error ?? '') };
}

/** The app log writing records to stdout (info) and stderr (warn, error). */
export function createAppLog(target: AppLogTarget = {}): AppLog {
  const { stdout = process.stdout, stderr = process.stderr, now = () => new Date() } = target;
  return {
    info: (message) => void stdout.write(formatLogRecord('info', message, undefined, now())),
    warn: (message, error) => void stderr.write(formatLogRecord('warn', message, error, now())),
    error: (message, error) => void stderr.write(formatLogRecord('error', message, error, now())),
  };
}
