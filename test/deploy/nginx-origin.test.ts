// The cross-site rule behind nginx (TRUST_PROXY=true): a POST from the pages nginx serves — Origin
// is nginx's scheme, host and port — passes; one from another origin, or one that names the app's
// own address behind nginx, is refused. nginx forwards the host with its port (X-Forwarded-Host).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { send, startNginx, type RunningNginx } from '../helpers/nginx.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

describe('the origin rule behind nginx', () => {
  let server: TestServer;
  let nginx: RunningNginx;

  before(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: 'true', DEMO_DATA: 'false' } });
    nginx = await startNginx(['--upstream', new URL(server.url).host], { TRUST_PROXY: 'true' });
  });

  after(async () => {
    await nginx?.stop();
    await server?.close();
  });

  // Logout: a POST that needs no user and hashes no password.
  const logout = (origin: string) => send(`${nginx.url}/api/user/logout`, { method: 'POST', headers: { origin } });

  it("lets through a POST from nginx's own origin, port included", async () => {
    const reply = await logout(nginx.url);
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(JSON.parse(reply.text), { errno: 0 });
  });

  it('refuses a POST from another origin, the app behind nginx included', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${nginx.port === 65_535 ? 1 : nginx.port + 1}`, new URL(server.url).origin, nginx.url.replace('http:', 'https:')]) {
      const reply = await logout(origin);
      assert.equal(reply.status, 403, `${origin}: ${reply.text}`);
      assert.deepEqual(JSON.parse(reply.text), { errno: -1, message: '跨站请求被拒绝', code: 'CROSS_SITE_REQUEST' });
    }
  });
});
