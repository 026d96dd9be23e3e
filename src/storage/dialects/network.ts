/**
 * What the MySQL/MariaDB and PostgreSQL dialects share: the timeouts a `DATABASE_URL` may carry, the
 * deadline of one statement, and which driver errors mean "the database is unreachable". Those become
 * `DatabaseUnavailableError` (503 SERVICE_UNAVAILABLE) right where the driver reports them, in the
 * dialects' pool adapters, so every query of every repository and migration is covered and the
 * repositories stay free of driver knowledge. Other errors (a constraint, a syntax error) pass as they are.
 */
import { defaults } from '../../config/defaults.ts';
import { BlogError } from '../../core/errors.ts';
import { codeOf, describeError } from '../../connections/describe-error.ts';
import { maskUrl } from '../../connections/mask-url.ts';

/** The timeouts of MySQL/PostgreSQL connections (`src/config/defaults.ts`). */
export const networkDefaults = defaults.networkDatabase;

export interface NetworkSettings {
  /** The URL without blog-server's own parameters, for the driver. */
  url: URL;
  /** The URL with its password masked, for messages. */
  displayUrl: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

function timeoutParameter(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  url.searchParams.delete(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 3_600_000) {
    throw new Error(`DATABASE_URL: ${name} must be a whole number of milliseconds from 1 to 3600000, got "${raw}" in ${maskUrl(url.toString())}`);
  }
  return value;
}

/** Parses a network `DATABASE_URL`, taking out `connectTimeout` and `queryTimeout`. */
export function networkSettings(text: string): NetworkSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`DATABASE_URL: not a valid URL: ${maskUrl(text)}`);
  }
  const displayUrl = maskUrl(text);
  const connectTimeoutMs = timeoutParameter(url, 'connectTimeout', networkDefaults.connectTimeoutMs);
  const queryTimeoutMs = timeoutParameter(url, 'queryTimeout', networkDefaults.queryTimeoutMs);
  return { url, displayUrl, connectTimeoutMs, queryTimeoutMs };
}

/**
 * The database could not be reached or did not answer in time. A BlogError (503) for clients; its
 * `toString()` names the database and the driver's reason for start-up messages and logs.
 */
export class DatabaseUnavailableError extends BlogError {
  readonly displayUrl: string;

  constructor(displayUrl: string, cause: unknown) {
    super('SERVICE_UNAVAILABLE', undefined, { cause });
    this.name = 'DatabaseUnavailableError';
    this.displayUrl = displayUrl;
  }

  override toString(): string {
    return `database ${this.displayUrl} unreachable: ${describeError(this.cause)}`;
  }
}

/** Socket-level failures, from Node or from mysql2's protocol layer. */
const connectionCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT',
  // MySQL/MariaDB server states that pass: too many connections, shutting down, lock wait too long.
  'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_LOCK_WAIT_TIMEOUT', 'ER_QUERY_INTERRUPTED',
]);

/** PostgreSQL SQLSTATEs of the same kind: class 08 (connection exception), shutdown, too many connections. */
const postgresStates = /^(08...|57P0[123]|53300)$/;

/** pg reports a lost or never-made connection with plain Errors. */
const postgresMessages = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed)/;

/** Whether a driver error means the database is unreachable (rather than that the statement was wrong). */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = codeOf(error);
  if (code !== undefined && (connectionCodes.has(code) || postgresStates.test(code))) return true;
  // mysql2 marks every error after which the connection is unusable as fatal.
  if (typeof error === 'object' && error !== null && 'fatal' in error && error.fatal === true) return true;
  return error instanceof Error && postgresMessages.test(error.message);
}

/** Passes a driver error on, as a 503 when it is a connection-class one. */
export function storageError(displayUrl: string, error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isConnectionError(error)) return error;
  return new DatabaseUnavailableError(displayUrl, error);
}

/**
 * Whether a statement gets the query deadline: data statements do; schema changes do not (a large
 * ALTER TABLE may legitimately run for minutes), nor does waiting for the migration lock (a second
 * process waits for the first one's migration to end).
 */
export function hasDeadline(statement: string): boolean {
  return /^\s*(select|insert|update|delete|with)\b/i.test(statement) && !/\b(get_lock|pg_advisory)/i.test(statement);
}
