/**
 * The course's early `GET /api/user/login?username=&password=`, on every engine: off by default (the
 * contract suite checks the 405), and when UNSAFE_GET_LOGIN turns it on, it reads the query — while a
 * POST login reads only its body, never credentials put in its URL.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { Client } from '../helpers/client.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

for (const engine of ENGINE_NAMES) {
  describe(`UNSAFE_GET_LOGIN=true (${engine})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ engine, env: { UNSAFE_GET_LOGIN: 'true' } });
    });
    after(() => server.close());

    it('logs in from the query of a GET', async () => {
      const client = new Client(server.url);
      const reply = await client.get('/api/user/login?username=zhangsan&password=123');
      assert.deepEqual(reply.json, { errno: 0, data: { username: 'zhangsan', realname: '张三' } });
      assert.deepEqual((await client.get('/api/user/info')).json, { errno: 0, data: { username: 'zhangsan', realname: '张三' } });
    });

    it('fails a GET login with wrong credentials like a POST one', async () => {
      const reply = await new Client(server.url).get('/api/user/login?username=zhangsan&password=wrong');
      assert.deepEqual(reply.json, { errno: -1, message: '登录失败', code: 'LOGIN_FAILED' });
    });

    it('reads a POST login from its body only, not from its URL', async () => {
      const client = new Client(server.url);
      const reply = await client.request('POST', '/api/user/login?username=zhangsan&password=123');
      assert.deepEqual(reply.json, { errno: -1, message: '登录失败', code: 'LOGIN_FAILED' });
      assert.equal(client.cookie, undefined);
    });
  });
}
