/**
 * The audit log: one JSON line per authentication event (src/core/ports.ts `AuthEvent`) — ISO time,
 * event, username, client address and user agent (null from the command line), a reason and the
 * sessions a password change ended — on its own stream: `LOG_DIR/audit[.<instance>].log`, written and
 * rotated as the access log is (LogFile), or stdout. JSON, because the username and the user agent
 * come from the client: a newline or a quote in them cannot forge a line. Nothing else goes in it: an
 * event holds no password, hash or session id, and what a client sent is cut to a bounded length.
 */
import type { AuditTrail, AuthEvent } from '../core/ports.ts';

/** Longest username and user agent written; longer ones are cut and end in `…`. */
export const auditFieldMaxLength = { username: 128, userAgent: 512 } as const;

/** Where lines go: a LogFile, or stdout. */
export interface LineSink {
  write(line: string, at?: number): void;
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The line of one event at `at` (ms since the epoch), ending in a newline. */
export function auditLine(event: AuthEvent, at: number): string {
  const line: Record<string, unknown> = {
    time: new Date(at).toISOString(),
    event: event.event,
    username: bounded(event.username, auditFieldMaxLength.username),
    address: event.client?.address ?? null,
    userAgent: event.client === null ? null : bounded(event.client.userAgent, auditFieldMaxLength.userAgent),
  };
  if (event.reason !== undefined) line.reason = event.reason;
  if (event.sessionsEnded !== undefined) line.sessionsEnded = event.sessionsEnded;
  return `${JSON.stringify(line)}\n`;
}

/** An audit trail writing to `sink`; without one (AUDIT_LOG=off) events are dropped. */
export function createAuditTrail(sink: LineSink | undefined, clock: () => number = Date.now): AuditTrail {
  if (!sink) return { record() {} };
  return {
    record(event) {
      const at = clock();
      sink.write(auditLine(event, at), at);
    },
  };
}

export const stdoutSink: LineSink = { write: (line) => void process.stdout.write(line) };
