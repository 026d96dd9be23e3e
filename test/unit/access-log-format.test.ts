/** The pieces of an access-log line (src/http/access-log.ts): the CLF date, password masking, escaping. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, ServerResponse, type RequestListener } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clfDate, createAccessLog, escapeAddress, escapeField, maskPasswords, threeDecimals, type ResponseClass } from '../../src/http/access-log.ts';
import { LogFile } from '../../src/ops/log-file.ts';

/** Serves `listener` with `responses` (an access log's) on a free port while `send` runs, then leaves the last lines a moment. */
async function serve(responses: ResponseClass, listener: RequestListener, send: (port: number) => Promise<void>): Promise<void> {
  const server = createServer({ ServerResponse: responses }, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await send((server.address() as AddressInfo).port);
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Sends `head` as raw bytes (a header value may carry any byte but CR and LF) and reads the answer to its end. */
function rawRequest(port: number, head: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(head));
    socket.on('data', () => {}).on('end', resolve).on('error', reject);
  });
}

test('the CLF date is local time with its offset', () => {
  const date = new Date(2026, 11, 1, 9, 5, 7);
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  assert.equal(clfDate(date), `01/Dec/2026:09:05:07 ${sign}${hours}${minutes}`);
});

test('the value of every password query parameter is masked, also percent-encoded ones; nothing else changes', () => {
  assert.equal(maskPasswords('/api/blog/detail?id=1'), '/api/blog/detail?id=1');
  assert.equal(maskPasswords('/api/user/login?username=a&password=s3cret'), '/api/user/login?username=a&password=***');
  assert.equal(maskPasswords('/x?password=a&password=b&keep=1'), '/x?password=***&password=***&keep=1');
  assert.equal(maskPasswords('/x?pass%77ord=s3cret&q=%E4%B8%AD'), '/x?pass%77ord=***&q=%E4%B8%AD');
  assert.equal(maskPasswords('/x?mypassword=1'), '/x?mypassword=1');
  assert.equal(maskPasswords('/password'), '/password');
});

test('the response time has the digits toFixed(3) gives, ties and large values included', () => {
  const values = [0, 0.0004, 0.0005, 0.0015, 0.0025, 0.0245, 1.0005, 2.5e-4, 999.9995, 123456.7895, 1e15, 9e15, 1e21, -0.0021];
  for (let n = 0; n < 200_000; n++) values.push(n / 1e6, n * 0.0005, (n * 7919) / 3e4);
  for (const value of values) assert.equal(threeDecimals(value), value.toFixed(3), String(value));
});

test('quotes, backslashes and control characters are written \\xHH', () => {
  assert.equal(escapeField('Mozilla/5.0 (X11)'), 'Mozilla/5.0 (X11)');
  assert.equal(escapeField('a"b\\c\nd\x7f'), 'a\\x22b\\x5cc\\x0ad\\x7f');
});

test('combined lines: raw header bytes, escapes and a line longer than a batch chunk, the same in a log file as in any sink', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blog-server-combined-'));
  try {
    const file = new LogFile({ dir, base: 'access', rotate: 'off', maxBytes: 0, keepDays: 0, onError: (message, error) => assert.fail(`${message} ${String(error)}`) });
    const lines: string[] = [];
    const toFile = createAccessLog('combined', { trustProxy: false, sink: file });
    const toStrings = createAccessLog('combined', { trustProxy: false, sink: { write: (line) => void lines.push(line) } });
    const handler: RequestListener = (_request, response) => {
      response.statusCode = 201;
      response.setHeader('content-length', '2');
      response.end('ok');
    };
    // Bytes above 0x7f arrive as latin1 characters; each is written as its UTF-8, as Buffer#write does.
    const agent = 'Mo"z\\illa\t\xe4\xb8\xad "x"';
    const long = `/x?q=${'y'.repeat(12_000)}`;
    await serve(toFile.responses(toStrings.responses(ServerResponse)), handler, async (port) => {
      await rawRequest(port, Buffer.from(`GET /p?a="b"\\&password=s3cret HTTP/1.1\r\nHost: h\r\nuser-AGENT: ${agent}\r\nREFERER: http://r/\xe9\r\nReferer: second\r\nConnection: close\r\n\r\n`, 'latin1'));
      await rawRequest(port, Buffer.from(`HEAD ${long} HTTP/1.0\r\n\r\n`, 'latin1'));
    });
    await file.close();
    // The two logs differ only in the response times each measured.
    const normalized = (line: string) => line.replace(/\[[^\]]+\]/, '[DATE]').replace(/ \d+\.\d{3}\n$/, ' T\n');
    assert.equal(lines.length, 2);
    assert.deepEqual(readFileSync(file.path, 'utf8').split(/(?<=\n)/).map(normalized), lines.map(normalized));
    const [first, second] = lines.map(normalized);
    assert.equal(first, `127.0.0.1 - - [DATE] "GET /p?a=\\x22b\\x22\\x5c&password=*** HTTP/1.1" 201 2 "http://r/é" "Mo\\x22z\\x5cilla\\x09ä¸­ \\x22x\\x22" T\n`);
    assert.equal(second, `127.0.0.1 - - [DATE] "HEAD ${long} HTTP/1.0" 201 2 "-" "-" T\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a forwarded address that is not one cannot forge the fields after it', async () => {
  assert.equal(escapeAddress('2001:db8::1'), '2001:db8::1');
  assert.equal(escapeAddress('fe80::1%eth0'), 'fe80::1%eth0');
  const lines: string[] = [];
  const log = createAccessLog('combined', { trustProxy: true, sink: { write: (line) => void lines.push(line) } });
  const forged = '6.6.6.6 - - [01/Jan/2026:00:00:00 +0000] "GET /forged HTTP/1.1" 200 1 "-" "-" 0.1';
  await serve(log.responses(ServerResponse), (_request, response) => response.end(), async (port) => {
    await fetch(`http://127.0.0.1:${port}/real`, { headers: { 'x-forwarded-for': `${forged}, 10.0.0.9` } });
  });
  assert.equal(lines.length, 1);
  const [address, ...rest] = (lines[0] ?? '').split(' ');
  assert.equal(address, forged.replace(/[^\w.:%-]/g, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`));
  assert.match(rest.join(' '), /^- - \[[^\]]+\] "GET \/real HTTP\/1\.1" 200 /);
});

test('combined lines of one second: each has its own address and method', async () => {
  const lines: string[] = [];
  const log = createAccessLog('combined', { trustProxy: true, sink: { write: (line) => void lines.push(line) } });
  const sent = [['GET', '10.0.0.1'], ['GET', '10.0.0.2'], ['HEAD', '10.0.0.2'], ['GET', '10.0.0.1']] as const;
  await serve(log.responses(ServerResponse), (_request, response) => response.end(), async (port) => {
    for (const [method, address] of sent) await fetch(`http://127.0.0.1:${port}/p`, { method, headers: { 'x-forwarded-for': address } });
  });
  assert.deepEqual(lines.map((line) => /^(\S+) - - \[[^\]]+\] "(\w+) /.exec(line)?.slice(1)), sent.map(([method, address]) => [address, method]));
});

test('dev lines: method, masked URL, status (coloured when asked), time, bytes', async () => {
  for (const colors of [false, true]) {
    const lines: string[] = [];
    const log = createAccessLog('dev', { trustProxy: false, colors, sink: { write: (line) => void lines.push(line) } });
    const handler: RequestListener = (_request, response) => {
      // Through setHeader, as every engine does: headers given to writeHead alone are not readable back.
      response.statusCode = 404;
      response.setHeader('content-length', '2');
      response.end('no');
    };
    await serve(log.responses(ServerResponse), handler, async (port) => {
      await (await fetch(`http://127.0.0.1:${port}/api/x?password=s3cret`)).text();
    });
    const status = colors ? '\x1b[33m404\x1b[0m' : '404';
    assert.equal(lines.length, 1);
    const [method, url, shownStatus, time, ms, dash, bytes] = (lines[0] ?? '').split(' ');
    assert.deepEqual([method, url, shownStatus, ms, dash, bytes], ['GET', '/api/x?password=***', status, 'ms', '-', '2\n']);
    assert.match(time ?? '', /^\d+\.\d{3}$/);
  }
});
