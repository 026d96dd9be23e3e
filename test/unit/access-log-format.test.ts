/** The pieces of an access-log line (src/http/access-log.ts): the CLF date, password masking, escaping. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { clfDate, escapeField, maskPasswords } from '../../src/http/access-log.ts';

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

test('quotes, backslashes and control characters are written \\xHH', () => {
  assert.equal(escapeField('Mozilla/5.0 (X11)'), 'Mozilla/5.0 (X11)');
  assert.equal(escapeField('a"b\\c\nd\x7f'), 'a\\x22b\\x5cc\\x0ad\\x7f');
});
