/**
 * The audit log (AUDIT_LOG=file): each authentication event — login success and failure, lock,
 * logout, password change and its failure — is one JSON line in `LOG_DIR/audit.log` with its time,
 * event, username, client address and user agent, and none holds a password or a session id; the
 * file is reopened as the access log is.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { auditFieldMaxLength, auditLine } from '../../src/ops/audit-log.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { eventually } from '../helpers/eventually.ts';
import { startTestServer } from '../helpers/start-server.ts';

interface AuditRecord {
  time: string;
  event: string;
  username: string;
  address: string | null;
  userAgent: string | null;
  reason?: string;
  sessionsEnded?: number;
}

const agent = 'audit-test/1.0 (+"quoted" \\ backslash)';
/** A username that would forge a line if the log were not JSON. */
const forged = 'x\n{"event":"login.success","username":"admin"}';
const headers = { 'user-agent': agent };
const passwords = { wrong: 'wrong-pass-7f3a', unknown: 'unknown-pass-91c2', old: '123', next: 'next-pass-5d8e-长', badOld: 'bad-old-pass-2b6f' };

/** The session id inside a signed cookie `name=<id>.<signature>`, and the key the store hashes it to. */
function secretsOf(cookie: string | undefined): string[] {
  assert.ok(cookie, 'a session cookie');
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const id = value.slice(0, value.lastIndexOf('.'));
  return [value, id, createHash('sha256').update(id).digest('base64url')];
}

describe('audit log', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-audit-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes one JSON line per authentication event, with time, address and user agent, never a secret', async () => {
    const started = Date.now();
    const server = await startTestServer({ dataDir, env: { AUDIT_LOG: 'file', LOGIN_MAX_FAILURES: '2' } });
    const secrets: string[] = [];
    const path = join(dataDir, 'logs', 'audit.log');
    try {
      const client = new Client(server.url);
      const login = (username: string, password: string) => client.post('/api/user/login', { username, password }, { headers });
      assertEnvelope(await login('zhangsan', passwords.wrong), 200, -1, 'LOGIN_FAILED', '登录失败');
      assertEnvelope(await login('nobody', passwords.unknown), 200, -1, 'LOGIN_FAILED', '登录失败');
      assertEnvelope(await login(forged, passwords.unknown), 200, -1, 'LOGIN_FAILED', '登录失败');
      assertEnvelope(await login('zhangsan', passwords.wrong), 200, -1, 'LOGIN_FAILED', '登录失败');
      assertEnvelope(await login('zhangsan', passwords.old), 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', '登录失败次数过多，请稍后再试');
      assertEnvelope(await login('lisi', passwords.old), 200, 0);
      secrets.push(...secretsOf(client.cookie));
      const other = new Client(server.url);
      await other.login('lisi');
      secrets.push(...secretsOf(other.cookie));
      assertEnvelope(await client.post('/api/user/password', { oldPassword: passwords.badOld, newPassword: passwords.next }, { headers }), 200, -1, 'OLD_PASSWORD_WRONG', '原密码错误');
      assertEnvelope(await client.post('/api/user/password', { oldPassword: passwords.old, newPassword: passwords.next }, { headers }), 200, 0);
      assertEnvelope(await client.post('/api/user/logout', undefined, { headers }), 200, 0);
      // A logout without a session is no event.
      assertEnvelope(await client.post('/api/user/logout', undefined, { headers }), 200, 0);
      // Reopened like the access log (SIGHUP after logrotate renamed it): later lines go to the new file.
      await eventually(() => readFileSync(path, 'utf8').includes('"logout"'), 5_000, 'the lines so far written');
      renameSync(path, `${path}.1`);
      await server.app.reopenLogs();
      assertEnvelope(await login('after-reopen', passwords.wrong), 200, -1, 'LOGIN_FAILED', '登录失败');
    } finally {
      await server.close();
    }

    assert.deepEqual(readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as AuditRecord).username), ['after-reopen']);
    const text = readFileSync(`${path}.1`, 'utf8');
    const records = text.trimEnd().split('\n').map((line) => JSON.parse(line) as AuditRecord);
    const summary = records.map(({ event, username, reason, sessionsEnded }) => [event, username, reason, sessionsEnded]);
    assert.deepEqual(summary, [
      ['login.failure', 'zhangsan', 'wrong_password', undefined],
      ['login.failure', 'nobody', 'unknown_user', undefined],
      ['login.failure', forged, 'unknown_user', undefined],
      ['login.failure', 'zhangsan', 'wrong_password', undefined],
      ['login.lock', 'zhangsan', 'user', undefined],
      ['login.failure', 'zhangsan', 'locked', undefined],
      ['login.success', 'lisi', undefined, undefined],
      ['login.success', 'lisi', undefined, undefined],
      ['password.failure', 'lisi', 'wrong_password', undefined],
      ['password.change', 'lisi', undefined, 1],
      ['logout', 'lisi', undefined, undefined],
    ]);
    for (const record of records) {
      assert.equal(record.address, '127.0.0.1');
      const at = Date.parse(record.time);
      assert.match(record.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(at >= started - 1_000 && at <= Date.now(), `time ${record.time}`);
    }
    // The second lisi login came from a client without the test's User-Agent (fetch's own).
    assert.deepEqual(records.filter((record) => record.userAgent !== agent).map((record) => record.event), ['login.success']);
    assert.equal(text.split('\n').length, records.length + 1, 'the newline in a username did not split a line');
    for (const secret of [...Object.values(passwords), ...secrets]) {
      if (secret === '123') continue;
      assert.ok(!text.includes(secret), `the audit log holds no ${secret}`);
    }
    assert.doesNotMatch(text, /"password"|\$scrypt\$/);
  });

  it('bounds what the client sent, and writes nothing when AUDIT_LOG=off', async () => {
    const long = auditLine({ event: 'login.failure', username: 'u'.repeat(10_000), client: { address: '::1', userAgent: 'a'.repeat(10_000) } }, 0);
    const record = JSON.parse(long) as AuditRecord;
    assert.equal(record.username, `${'u'.repeat(auditFieldMaxLength.username)}…`);
    assert.equal(record.userAgent, `${'a'.repeat(auditFieldMaxLength.userAgent)}…`);
    assert.equal(record.time, '1970-01-01T00:00:00.000Z');
    assert.deepEqual(JSON.parse(auditLine({ event: 'login.unlock', username: 'x', client: null }, 0)), { time: '1970-01-01T00:00:00.000Z', event: 'login.unlock', username: 'x', address: null, userAgent: null });

    const offDir = mkdtempSync(join(tmpdir(), 'blog-server-audit-off-'));
    try {
      const server = await startTestServer({ dataDir: offDir });
      try {
        assertEnvelope(await new Client(server.url).post('/api/user/login', { username: 'zhangsan', password: 'wrong' }), 200, -1, 'LOGIN_FAILED', '登录失败');
      } finally {
        await server.close();
      }
      assert.equal(server.app.config.auditLog, 'off', 'off by default outside production');
      assert.equal(existsSync(join(offDir, 'logs', 'audit.log')), false);
    } finally {
      rmSync(offDir, { recursive: true, force: true });
    }
  });
});
