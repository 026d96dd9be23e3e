/**
 * The contract suite: every check of `blog-server contract-test` (src/contract-test/checks/), run
 * strictly — as blog-server, whose own additions are required — against a matrix cell (engine ×
 * storage × session store), one test per check; then what only a server the test starts can show
 * (login limits with a small configuration, a restart). It never branches on which cell it got.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { contractChecks } from '../../src/contract-test/checks/index.ts';
import { openSession, runCheck, type Session } from '../../src/contract-test/runner.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import type { MatrixCell } from '../helpers/matrix.ts';
import type { TestServer } from '../helpers/start-server.ts';

const demoUsers = { user: { username: 'zhangsan', password: '123' }, other: { username: 'lisi', password: '123' } };

export function runContract(cell: MatrixCell): void {
  describe(`contract: ${cell.name}`, () => {
    let server: TestServer;
    let session: Session;

    before(async () => {
      server = await cell.start();
      session = await openSession({ baseUrl: server.url, ...demoUsers, readOnly: false, strict: true });
    });
    after(() => server.close());

    for (const check of contractChecks) {
      it(`${check.group}: ${check.name}`, async () => {
        const result = await runCheck(session, check);
        if (result.outcome === 'pass') return;
        // The check's own assertion, with its expected and actual values, is the clearest failure.
        if (result.error !== undefined) throw result.error;
        assert.fail(`${result.outcome}: ${result.reason ?? ''}`);
      });
    }

    describe('login rate limiting', () => {
      let limited: TestServer;
      before(async () => {
        limited = await cell.start({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '6' } });
      });
      after(() => limited.close());

      it('answers 429 with Retry-After after too many failures, and only for that user and address', async () => {
        const attacker = new Client(limited.url);
        for (let attempt = 0; attempt < 3; attempt += 1) {
          assertEnvelope(await attacker.post('/api/user/login', { username: 'zhangsan', password: 'guess' }), 200, -1, 'LOGIN_FAILED', '登录失败');
        }
        const locked = await attacker.post('/api/user/login', { username: 'zhangsan', password: '123' });
        assertEnvelope(locked, 429, -1, 'TOO_MANY_LOGIN_ATTEMPTS', '登录失败次数过多，请稍后再试');
        assert.ok(Number(locked.headers.get('retry-after')) > 0);
        // Another user from the same address is not locked out.
        const other = new Client(limited.url);
        await other.login('lisi');
      });

      it('limits one address across usernames', async () => {
        const sprayer = new Client(limited.url);
        let status = 200;
        for (let attempt = 0; attempt < 8 && status === 200; attempt += 1) {
          status = (await sprayer.post('/api/user/login', { username: `user${attempt}`, password: 'x' })).status;
        }
        assert.equal(status, 429);
      });
    });

    describe('restart', () => {
      it('keeps data, and sessions when the store persists them', async () => {
        const restarted = await cell.start();
        try {
          const user = new Client(restarted.url);
          await user.login('zhangsan');
          const id = await (async () => {
            const reply = await user.post('/api/blog/new', { title: '重启之前', content: 'c' });
            return (assertEnvelope(reply, 200, 0).data as { id: number }).id;
          })();
          await restarted.restart();
          user.baseUrl = restarted.url;
          assertEnvelope(await user.get(`/api/blog/detail?id=${id}`), 200, 0);
          const info = await user.get('/api/user/info');
          if (cell.sessionStore === 'memory') assertEnvelope(info, 200, -1, 'SESSION_REQUIRED', '尚未登录');
          else assertEnvelope(info, 200, 0);
        } finally {
          await restarted.close();
        }
      });
    });
  });
}
