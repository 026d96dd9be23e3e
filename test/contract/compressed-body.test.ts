/**
 * A compressed request body (Content-Encoding other than identity) is not read on any engine: 400
 * MALFORMED_BODY, whether it inflates or not — never a 500 from a decompressor (found by the fuzz
 * test: Koa's co-body inflated it and answered a broken one with a zlib error).
 */
import { strict as assert } from 'node:assert';
import { deflateSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { Client } from '../helpers/client.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const form = 'title=t&content=c';
const bodies: [string, string, Buffer, string][] = [
  ['gzip', 'application/json', gzipSync('{"title":"t","content":"c"}'), 'valid gzip JSON'],
  ['deflate', 'application/x-www-form-urlencoded', Buffer.from(form), 'a form that is not deflate data'],
  ['gzip', 'application/json', Buffer.from('{"title":"t"}'), 'JSON that is not gzip data'],
  ['br', 'application/x-www-form-urlencoded', deflateSync(form), 'deflate data sent as br'],
];

for (const engine of ENGINE_NAMES) {
  describe(`compressed bodies (${engine})`, () => {
    let server: TestServer;
    let zhangsan: Client;
    before(async () => {
      server = await startTestServer({ engine });
      zhangsan = new Client(server.url);
      await zhangsan.login('zhangsan');
    });
    after(() => server.close());

    it('answers 400 MALFORMED_BODY and writes nothing', async () => {
      const before = (await zhangsan.get('/api/blog/list')).headers.get('x-total-count');
      for (const [encoding, type, raw, what] of bodies) {
        const reply = await zhangsan.request('POST', '/api/blog/new', { raw, contentType: type, headers: { 'content-encoding': encoding } });
        assert.equal(reply.status, 400, `${what}: ${reply.status} ${reply.text}`);
        assert.equal(reply.json.code, 'MALFORMED_BODY', `${what}: ${reply.text}`);
      }
      assert.equal((await zhangsan.get('/api/blog/list')).headers.get('x-total-count'), before);
    });
  });
}
