/**
 * Text no database stores as sent — U+0000 (PostgreSQL refuses it) and a surrogate without its pair
 * (drivers write U+FFFD instead) — is refused at the edge with 400 INVALID_PARAMETER naming the
 * field, the same on SQLite, MariaDB and PostgreSQL; well-formed text around it is stored intact.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it, test } from 'node:test';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { contractMatrix } from '../helpers/matrix.ts';
import type { TestServer } from '../helpers/start-server.ts';

const refused = (field: string) => `参数错误: ${field} 含有不允许的字符 (U+0000 或不成对的代理项)`;

/** JSON text with the escapes as written: JSON.stringify would escape them the same way. */
const nul = '\\u0000';
const lone = '\\ud800';

const cells = contractMatrix().filter((cell) => cell.engine === 'native' && cell.sessionStore === 'memory');

for (const cell of cells) {
  if (cell.skip !== undefined) {
    test(`refused text: ${cell.name}`, { skip: cell.skip }, () => {});
    continue;
  }
  describe(`refused text: ${cell.name}`, () => {
    let server: TestServer;
    let zhangsan: Client;
    let anonymous: Client;
    before(async () => {
      server = await cell.start();
      zhangsan = new Client(server.url);
      anonymous = new Client(server.url);
      await zhangsan.login('zhangsan');
    });
    after(() => server.close());

    const rawJson = (as: Client, path: string, json: string) => as.request('POST', path, { raw: json, contentType: 'application/json' });

    it('refuses U+0000 and lone surrogates in a new blog, naming the field, and stores nothing', async () => {
      const before = (await anonymous.get('/api/blog/list')).headers.get('x-total-count');
      assertEnvelope(await rawJson(zhangsan, '/api/blog/new', `{"title":"a${nul}b","content":"c"}`), 400, -1, 'INVALID_PARAMETER', refused('title'));
      assertEnvelope(await rawJson(zhangsan, '/api/blog/new', `{"title":"t","content":"x${lone}y"}`), 400, -1, 'INVALID_PARAMETER', refused('content'));
      assertEnvelope(await rawJson(zhangsan, '/api/blog/new', '{"title":"t","content":"\\udc00"}'), 400, -1, 'INVALID_PARAMETER', refused('content'));
      assertEnvelope(await zhangsan.request('POST', '/api/blog/new', { form: { title: '\u0000', content: 'c' } }), 400, -1, 'INVALID_PARAMETER', refused('title'));
      assert.equal((await anonymous.get('/api/blog/list')).headers.get('x-total-count'), before);
    });

    it('refuses them in an update and leaves the blog as it was', async () => {
      const created = assertEnvelope(await zhangsan.post('/api/blog/new', { title: 'kept', content: 'kept content' }), 200, 0);
      const { id } = created.data as { id: number };
      assertEnvelope(await rawJson(zhangsan, `/api/blog/update?id=${id}`, `{"title":"t${nul}","content":"c"}`), 400, -1, 'INVALID_PARAMETER', refused('title'));
      const detail = assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, 0);
      assert.deepEqual([(detail.data as { title: string }).title, (detail.data as { content: string }).content], ['kept', 'kept content']);
    });

    it('refuses them in the list\'s author and keyword', async () => {
      assertEnvelope(await anonymous.get('/api/blog/list?keyword=%00'), 400, -1, 'INVALID_PARAMETER', refused('keyword'));
      assertEnvelope(await anonymous.get('/api/blog/list?author=zhang%00san'), 400, -1, 'INVALID_PARAMETER', refused('author'));
      // Invalid UTF-8 in a query decodes to U+FFFD, which every database stores: a search like any other.
      assertEnvelope(await anonymous.get('/api/blog/list?keyword=%ED%A0%80'), 200, 0);
    });

    it('refuses them at login, and logs nobody in', async () => {
      const client = new Client(server.url);
      assertEnvelope(await rawJson(client, '/api/user/login', `{"username":"zhangsan${nul}","password":"123"}`), 400, -1, 'INVALID_PARAMETER', refused('username'));
      assertEnvelope(await rawJson(client, '/api/user/login', `{"username":"zhangsan","password":"123${lone}"}`), 400, -1, 'INVALID_PARAMETER', refused('password'));
      assert.equal(client.cookie, undefined);
    });

    it('stores well-formed text around them intact: pairs, U+FFFD, other scripts', async () => {
      const title = 'emoji 😀 \uFFFD 中文 é';
      const content = 'a\u0001b 𝄞';
      const created = assertEnvelope(await zhangsan.post('/api/blog/new', { title, content }), 200, 0);
      const detail = assertEnvelope(await anonymous.get(`/api/blog/detail?id=${(created.data as { id: number }).id}`), 200, 0);
      assert.equal((detail.data as { title: string }).title, title);
      assert.equal((detail.data as { content: string }).content, content);
      const found = assertEnvelope(await anonymous.get(`/api/blog/list?keyword=${encodeURIComponent('😀')}`), 200, 0);
      assert.equal((found.data as unknown[]).length, 1);
    });
  });
}
