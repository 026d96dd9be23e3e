/** The pieces of an access-log line (src/http/access-log.ts): the CLF date, password masking, escaping. */
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { clfDate, createAccessLog, escapeField, maskPasswords, threeDecimals } from '../../src/http/access-log.ts';

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

test('dev lines: method, masked URL, status (coloured when asked), time, bytes', async () => {
  for (const colors of [false, true]) {
    const lines: string[] = [];
    const log = createAccessLog('dev', { trustProxy: false, colors, sink: { write: (line) => void lines.push(line) } });
    const server = createServer(log.wrap((_request, response) => {
      // Through setHeader, as every engine does: headers given to writeHead alone are not readable back.
      response.statusCode = 404;
      response.setHeader('content-length', '2');
      response.end('no');
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await (await fetch(`http://127.0.0.1:${port}/api/x?password=s3cret`)).text();
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const status = colors ? '\x1b[33m404\x1b[0m' : '404';
    assert.equal(lines.length, 1);
    const [method, url, shownStatus, time, ms, dash, bytes] = (lines[0] ?? '').split(' ');
    assert.deepEqual([method, url, shownStatus, ms, dash, bytes], ['GET', '/api/x?password=***', status, 'ms', '-', '2\n']);
    assert.match(time ?? '', /^\d+\.\d{3}$/);
  }
});
