/**
 * One access-log line → its fields, split by hand (indexOf, not a regex: measured faster on the hot
 * path). Accepts Apache/nginx combined, optionally followed by blog-server's response time in ms
 * (and, as GoAccess does, ignores fields after that):
 * `addr - user [01/Dec/2026:12:00:00 +0000] "GET /path HTTP/1.1" 200 123 "referrer" "ua" 1.234`.
 */

export interface LogLine {
  readonly address: string;
  /** The time as written between the brackets: `01/Dec/2026:12:00:00 +0000`. */
  readonly time: string;
  readonly method: string;
  /** The request target without its query string (`/a?b=1` → `/a`): GoAccess `-q`. */
  readonly path: string;
  readonly status: number;
  /** Bytes sent; `-` counts as 0. */
  readonly bytes: number;
  /** The referrer as logged; `-` when there was none. */
  readonly referrer: string;
  readonly userAgent: string;
  /** Response time in ms, when the line carries one. */
  readonly responseMs: number | undefined;
}

const QUOTE = 34;
const SPACE = 32;
const ZERO = 48;
const NINE = 57;

/** Whether `line[index]` is an ASCII digit. */
function isDigit(line: string, index: number): boolean {
  const code = line.charCodeAt(index);
  return code >= ZERO && code <= NINE;
}

/** The index of the quote that closes a field opened at `from`: followed by a space (and a digit when asked), not escaped. */
function closingQuote(line: string, from: number, followedByDigit: boolean): number {
  let at = line.indexOf('"', from);
  while (at !== -1) {
    const escaped = line.charCodeAt(at - 1) === 92 && line.charCodeAt(at - 2) !== 92;
    if (!escaped && line.charCodeAt(at + 1) === SPACE && (!followedByDigit || isDigit(line, at + 2))) return at;
    at = line.indexOf('"', at + 1);
  }
  return -1;
}

/** The fields of `line`, or undefined when it is not a combined log line (a malformed line). */
export function parseLine(line: string): LogLine | undefined {
  const afterAddress = line.indexOf(' ');
  if (afterAddress <= 0) return undefined;
  const openTime = line.indexOf('[', afterAddress);
  if (openTime === -1) return undefined;
  const closeTime = line.indexOf(']', openTime);
  if (closeTime === -1 || line.charCodeAt(closeTime + 2) !== QUOTE) return undefined;

  const requestStart = closeTime + 3;
  const requestEnd = closingQuote(line, requestStart, true);
  if (requestEnd === -1) return undefined;
  const methodEnd = line.indexOf(' ', requestStart);
  if (methodEnd === -1 || methodEnd >= requestEnd || methodEnd === requestStart) return undefined;
  let targetEnd = line.lastIndexOf(' ', requestEnd - 1);
  if (targetEnd <= methodEnd) targetEnd = requestEnd; // HTTP/0.9: no protocol
  const query = line.indexOf('?', methodEnd + 1);
  const pathEnd = query !== -1 && query < targetEnd ? query : targetEnd;
  if (pathEnd === methodEnd + 1) return undefined;

  const statusStart = requestEnd + 2;
  if (!isDigit(line, statusStart + 1) || !isDigit(line, statusStart + 2) || line.charCodeAt(statusStart + 3) !== SPACE) return undefined;
  const status = (line.charCodeAt(statusStart) - ZERO) * 100 + (line.charCodeAt(statusStart + 1) - ZERO) * 10 + (line.charCodeAt(statusStart + 2) - ZERO);
  if (status < 100) return undefined;

  const bytesStart = statusStart + 4;
  const bytesEnd = line.indexOf(' ', bytesStart);
  if (bytesEnd === -1) return undefined;
  let bytes = 0;
  if (!(bytesEnd === bytesStart + 1 && line.charCodeAt(bytesStart) === 45)) {
    for (let at = bytesStart; at < bytesEnd; at++) {
      const code = line.charCodeAt(at);
      if (code < ZERO || code > NINE) return undefined;
      bytes = bytes * 10 + code - ZERO;
    }
    if (bytesEnd === bytesStart) return undefined;
  }

  if (line.charCodeAt(bytesEnd + 1) !== QUOTE) return undefined;
  const referrerEnd = closingQuote(line, bytesEnd + 2, false);
  if (referrerEnd === -1 || line.charCodeAt(referrerEnd + 2) !== QUOTE) return undefined;
  const agentStart = referrerEnd + 3;
  let agentEnd = closingQuote(line, agentStart, false);
  if (agentEnd === -1 && line.charCodeAt(line.length - 1) === QUOTE && line.charCodeAt(line.length - 2) !== 92) agentEnd = line.length - 1;
  if (agentEnd < agentStart) return undefined;

  // blog-server's response time in ms may follow; like GoAccess, other trailing fields are ignored
  // (nginx formats that add `"$http_x_forwarded_for"` and the like stay readable).
  let responseMs: number | undefined;
  const tailStart = agentEnd + 2;
  if (tailStart < line.length && isDigit(line, tailStart)) {
    const tailEnd = line.indexOf(' ', tailStart);
    const value = Number(tailEnd === -1 ? line.slice(tailStart) : line.slice(tailStart, tailEnd));
    if (Number.isFinite(value)) responseMs = value;
  }

  return {
    address: line.slice(0, afterAddress),
    time: line.slice(openTime + 1, closeTime),
    method: line.slice(requestStart, methodEnd),
    path: line.slice(methodEnd + 1, pathEnd),
    status,
    bytes,
    referrer: line.slice(bytesEnd + 2, referrerEnd),
    userAgent: line.slice(agentStart, agentEnd),
    responseMs,
  };
}
