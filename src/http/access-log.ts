/**
 * Access logs on the raw node:http response, so every engine logs the same line, one per request
 * (served, refused by a parser, unknown, cut off), written when the response closes. The log is a
 * subclass of the server's response class (`responses`, given to `createServer`): each response
 * notes its start, address and URL as it is made, and writes its line as it emits `close`. (A
 * `close` listener and its closure per request, as on-finished and morgan use, cost ~2,300
 * instructions a request more: a quarter of the log, docs/benchmark.md.) `combined`:
 * Apache combined format plus the response time in ms — the line GoAccess, `logs analyze` and every
 * log tool read — handed to a sink (the rotating `LOG_DIR/access.log` of src/ops/log-file.ts);
 * `dev`: concise lines on stdout. Formatting is cheap: the start of a line (address, date, method)
 * is made once per client and second, the rest is concatenation. The address is the client's
 * (X-Forwarded-For only with TRUST_PROXY); the value of a `password` query parameter is logged as
 * `***` (the course's GET login puts it there); quotes, backslashes and control characters in
 * quoted fields are written `\xHH`, as nginx does, and so is any character of an address that
 * cannot be in one, so no request can break or forge a line.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
// Imported rather than the global: reading the global `performance` went through an IC stub on every request.
import { performance } from 'node:perf_hooks';
import type { AccessLogFormat } from '../config/settings.ts';
import { clientAddressOf } from './client-address.ts';
import { contentLengthOf } from './send.ts';

/** Where lines go: `at` is the time the line carries (ms since the epoch), so a rotating file puts it in that day's file. */
export interface LineSink {
  write(line: string, at: number): void;
}

/** node:http's response class, or one derived from it (src/ops/graceful-shutdown.ts). */
export type ResponseClass = typeof ServerResponse;

export interface AccessLog {
  /** `base` with each response writing its line when it closes; `off` returns it unchanged. */
  responses(base: ResponseClass): ResponseClass;
}

export interface AccessLogOptions {
  trustProxy: boolean;
  /** Where the lines go. @default stdout */
  sink?: LineSink;
  /** Colour `dev` status codes. @default whether stdout is a terminal */
  colors?: boolean;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (value: number) => (value < 10 ? `0${value}` : String(value));

/** `01/Dec/2026:14:05:09 +0100`: local time with its offset, as Apache and nginx write it. */
export function clfDate(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const offsetAbs = Math.abs(offset);
  return `${pad2(date.getDate())}/${months[date.getMonth()]}/${date.getFullYear()}:${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())} ${sign}${pad2(Math.floor(offsetAbs / 60))}${pad2(offsetAbs % 60)}`;
}

/** The CLF date of `now`, computed once per second. */
function secondCache(): (now: number) => string {
  let second = -1;
  let text = '';
  return (now) => {
    const current = Math.floor(now / 1000);
    if (current !== second) {
      second = current;
      text = clfDate(new Date(current * 1000));
    }
    return text;
  };
}

// Matching control characters is the point here (no-control-regex guards against it by accident).
// eslint-disable-next-line no-control-regex
const unsafe = /["\\\x00-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex
const unsafeAll = /["\\\x00-\x1f\x7f]/g;
const hex = (character: string) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** A field as it goes between quotes: `"`, `\` and control characters as `\xHH`. */
export function escapeField(value: string): string {
  return unsafe.test(value) ? value.replace(unsafeAll, hex) : value;
}

const addressCharacters = /^[\w.:%-]+$/;
const notAddressCharacter = /[^\w.:%-]/g;

/**
 * The unquoted first field: an address (IPv4, IPv6, a zone id) as is, anything else with every other
 * character as `\xHH`. Behind a proxy that appends to X-Forwarded-For rather than replacing it, the
 * first hop is the client's to choose, and a space or quote in it would forge the fields after it.
 */
export function escapeAddress(value: string): string {
  return addressCharacters.test(value) ? value : value.replace(notAddressCharacter, hex);
}

const passwordValue = /([?&;]password=)[^&;#]*/g;

/**
 * The request target with the value of any `password` query parameter replaced by `***`. A query
 * with a percent sign is decoded pair by pair first, so `pass%77ord=` is masked too.
 */
export function maskPasswords(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  // Searched from the mark, without a copy of the query: most URLs have neither.
  if (url.indexOf('%', mark) === -1) return url.indexOf('password', mark) === -1 ? url : url.replace(passwordValue, '$1***');
  const pairs = url.slice(mark + 1).split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    return new URLSearchParams(`${name}=`).keys().next().value === 'password' ? `${name}=***` : pair;
  });
  return `${url.slice(0, mark)}?${pairs.join('&')}`;
}

const stdout: LineSink = { write: (line) => void process.stdout.write(line) };

type Formatter = (request: IncomingMessage, response: ServerResponse, address: string, url: string, elapsedMs: number, now: number) => string;

/**
 * `ms.toFixed(3)` without the runtime call toFixed makes (a sizeable share of the line's cost): the
 * same digits, as a rounding of `ms * 1000` can differ from toFixed's exact decimal rounding only at
 * a tie, which goes to toFixed.
 */
export function threeDecimals(ms: number): string {
  const scaled = ms * 1000;
  const micros = Math.round(scaled);
  if (!(Math.abs(micros - scaled) < 0.499) || micros < 0 || micros >= Number.MAX_SAFE_INTEGER) return ms.toFixed(3);
  const whole = Math.floor(micros / 1000);
  const fraction = micros - whole * 1000;
  return `${whole}.${fraction < 10 ? '00' : fraction < 100 ? '0' : ''}${fraction}`;
}

function combinedFormatter(): Formatter {
  const dateOf = secondCache();
  // The start of a line is the same for a client's requests within a second: made once.
  let prefixAddress = '';
  let prefixDate = '';
  let prefixMethod = '';
  let prefix = '';
  return (request, response, address, url, elapsedMs, now) => {
    const date = dateOf(now);
    const method = request.method ?? '-';
    if (address !== prefixAddress || date !== prefixDate || method !== prefixMethod) {
      prefixAddress = address;
      prefixDate = date;
      prefixMethod = method;
      prefix = `${escapeAddress(address)} - - [${date}] "${method} `;
    }
    const length = contentLengthOf(response);
    // The first Referer and User-Agent, as `request.headers` would give them, read from `rawHeaders`:
    // node builds `request.headers` on first use, and on the native engine's detail read nothing else
    // needs it — building it for the log line alone was most of the log's cost.
    const raw = request.rawHeaders;
    let referrer: string | undefined;
    let agent: string | undefined;
    for (let index = 0; index < raw.length; index += 2) {
      const name = raw[index]!;
      // The length and the first letter first: a lower-cased copy of every header name cost more than the rest of the scan.
      if (name.length === 7) {
        if (referrer === undefined && (name.charCodeAt(0) | 0x20) === 0x72 && name.toLowerCase() === 'referer') referrer = raw[index + 1];
      } else if (name.length === 10 && agent === undefined && (name.charCodeAt(0) | 0x20) === 0x75 && name.toLowerCase() === 'user-agent') {
        agent = raw[index + 1];
      }
    }
    const version = request.httpVersion === '1.1' ? ' HTTP/1.1" ' : ` HTTP/${request.httpVersion}" `;
    return `${prefix}${escapeField(url)}${version}${response.headersSent ? response.statusCode : '-'} ${length === undefined ? '-' : String(length)} "${referrer === undefined ? '-' : escapeField(referrer)}" "${agent === undefined ? '-' : escapeField(agent)}" ${threeDecimals(elapsedMs)}\n`;
  };
}

function devFormatter(colors: boolean): Formatter {
  const colourOf = (status: number) => (status >= 500 ? 31 : status >= 400 ? 33 : status >= 300 ? 36 : status >= 200 ? 32 : 0);
  return (request, response, _address, url, elapsedMs) => {
    const status = response.headersSent ? String(response.statusCode) : '-';
    const shown = colors && response.headersSent ? `\x1b[${colourOf(response.statusCode)}m${status}\x1b[0m` : status;
    const length = contentLengthOf(response);
    return `${request.method ?? '-'} ${escapeField(url)} ${shown} ${elapsedMs.toFixed(3)} ms - ${length === undefined ? '-' : String(length)}\n`;
  };
}

/** An access log in `format`: `responses` gives the server its response class. */
export function createAccessLog(format: AccessLogFormat, options: AccessLogOptions): AccessLog {
  if (format === 'off') return { responses: (base) => base };
  const { trustProxy, sink = stdout } = options;
  const formatLine = format === 'combined' ? combinedFormatter() : devFormatter(options.colors ?? process.stdout.isTTY === true);
  return {
    responses: (base) => {
      class LoggedResponse extends base {
        readonly #started = performance.now();
        // Taken now: a framework may rewrite `request.url` while routing, and a closed socket has no address.
        readonly #address = clientAddressOf(this.req, trustProxy);
        readonly #url = maskPasswords(this.req.url ?? '/');
        #logged = false;
        readonly #emitBefore: ServerResponse['emit'];

        constructor(...args: ConstructorParameters<ResponseClass>) {
          super(...args);
          // An own property, over the `emit` the response had (another log's, say): Express gives its
          // responses a prototype of its own, which would pass over a method of this class.
          this.#emitBefore = this.emit;
          this.emit = this.#emitLogged;
        }

        #emitLogged(event: string | symbol, ...args: unknown[]): boolean {
          if (event === 'close' && !this.#logged) {
            this.#logged = true;
            const now = Date.now();
            sink.write(formatLine(this.req, this, this.#address, this.#url, performance.now() - this.#started, now), now);
          }
          return this.#emitBefore(event, ...args);
        }
      }
      // The class is node's own for any request type: node makes each response with its request.
      return LoggedResponse as ResponseClass;
    },
  };
}
