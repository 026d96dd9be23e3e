/**
 * `search=` on every database, through the API: two-character Chinese words, phrases and Latin words
 * in titles and content, title hits ranked above content-only hits, nothing found inside HTML tags,
 * excerpts of plain text with offsets that point at the matches, `author`, paging and X-Total-Count,
 * and writes reflected at once.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { Client, assertEnvelope, type Reply } from '../helpers/client.ts';
import { createTestDatabase, skipUnless, type TestResource } from '../helpers/databases.ts';
import { eventually } from '../helpers/eventually.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

interface Hit {
  id: number;
  title: string;
  content: string;
  excerpt: { field: 'title' | 'content'; text: string; matches: [number, number][] };
}

const storages = [
  { name: 'SQLite', service: undefined },
  { name: 'MariaDB', service: 'mariadb' as const },
  { name: 'PostgreSQL', service: 'postgres' as const },
];

for (const storage of storages) {
  const skip = storage.service === undefined ? undefined : skipUnless([storage.service], `the ${storage.name} search= test`);
  describe(`search= on ${storage.name}`, { skip }, () => {
    let database: TestResource | undefined;
    let server: TestServer | undefined;
    let zhangsan: Client;
    let lisi: Client;
    const ids: Record<string, number> = {};

    const search = async (query: string, extra = ''): Promise<{ hits: Hit[]; reply: Reply }> => {
      assert.ok(server);
      const reply = await new Client(server.url).get(`/api/blog/list?search=${encodeURIComponent(query)}${extra}`);
      return { hits: assertEnvelope(reply, 200, 0).data as Hit[], reply };
    };
    const found = async (query: string, extra = '') => (await search(query, extra)).hits.map((hit) => hit.id);

    before(async () => {
      database = storage.service === undefined ? undefined : await createTestDatabase(storage.service);
      server = await startTestServer({ env: { DEMO_DATA: 'false' }, ...(database ? { databaseUrl: database.url } : {}) });
      for (const [username, realname] of [['zhangsan', '张三'], ['lisi', '李四']] as const) {
        await server.app.services.users.createUser({ username, password: '123', realname }, { allowWeakPassword: true });
      }
      zhangsan = new Client(server.url);
      lisi = new Client(server.url);
      await zhangsan.login('zhangsan');
      await lisi.login('lisi');
      // Oldest first: without ranking, the newest would come first.
      const posts: [string, Client, string, string][] = [
        ['forecast', zhangsan, '天气预报', '<p>明天<b>晴朗</b>，有风。</p>'],
        ['diary', lisi, 'Hello World', `<p>${'前言很长。'.repeat(20)}今天天气很好。The <em>weather</em> is FINE.</p>`],
        ['link', zhangsan, '随笔', '<p><a href="https://example.com/tianqi" title="tianqi">链接</a> 学习 Node.js</p>'],
        ['notes', lisi, 'Node 学习笔记', '<p>node 基础 1 &lt; 2</p>'],
      ];
      for (const [key, client, title, content] of posts) {
        ids[key] = (assertEnvelope(await client.post('/api/blog/new', { title, content }), 200, 0).data as { id: number }).id;
      }
    });

    after(async () => {
      await server?.close();
      await database?.drop();
    });

    it('finds a two-character Chinese word, a title hit above a newer content-only hit', async () => {
      assert.deepEqual(await found('天气'), [ids.forecast, ids.diary]);
      assert.deepEqual(await found('晴朗'), [ids.forecast]);
      // A single character and a longer run: substrings of the text, not dictionary words.
      assert.deepEqual(await found('朗'), [ids.forecast]);
      assert.deepEqual(await found('天天气很'), [ids.diary]);
      assert.deepEqual(await found('天气很坏'), []);
    });

    it('finds Latin words case-insensitively, and phrases only as written', async () => {
      assert.deepEqual(await found('HELLO'), [ids.diary]);
      assert.deepEqual(await found('node'), [ids.notes, ids.link]);
      assert.deepEqual(await found('weather fine'), [ids.diary]);
      assert.deepEqual(await found('"weather is fine"'), [ids.diary]);
      assert.deepEqual(await found('"fine weather"'), []);
      // Words, not substrings of words.
      assert.deepEqual(await found('weath'), []);
      // Punctuation alone looks nothing up.
      assert.deepEqual(await found('。'), []);
    });

    it('never matches inside HTML tags', async () => {
      assert.ok(server);
      const stored = assertEnvelope(await new Client(server.url).get(`/api/blog/detail?id=${ids.link}`), 200, 0).data as { content: string };
      assert.match(stored.content, /tianqi/, 'the sanitizer kept the attribute: the test is meaningful');
      for (const word of ['tianqi', 'href', 'example', 'em', 'p']) assert.deepEqual(await found(word), [], word);
      assert.deepEqual(await found('链接'), [ids.link]);
    });

    it('gives excerpts of plain text whose offsets point at the matches', async () => {
      const { hits } = await search('天气 weather');
      assert.deepEqual(hits.map((hit) => hit.id), [ids.diary]);
      const [hit] = hits;
      assert.ok(hit);
      assert.equal(hit.excerpt.field, 'content');
      assert.doesNotMatch(hit.excerpt.text, /<\/?[a-z]/i);
      assert.ok(hit.excerpt.text.startsWith('…'), `cut before the first match: ${hit.excerpt.text}`);
      assert.deepEqual(hit.excerpt.matches.map(([start, end]) => hit.excerpt.text.slice(start, end).toLowerCase()), ['天气', 'weather']);
      const notes = (await search('基础')).hits[0];
      assert.equal(notes?.excerpt.text, 'node 基础 1 < 2', 'entities decoded: text, not markup');
      const titleOnly = (await search('预报')).hits[0];
      assert.deepEqual(titleOnly?.excerpt, { field: 'title', text: '天气预报', matches: [[2, 4]] });
      // The course's fields are all there too.
      assert.equal(titleOnly?.content, '<p>明天<b>晴朗</b>，有风。</p>');
      // İ folds to two units (i + combining dot): the offsets still point into the original text.
      const created = assertEnvelope(await zhangsan.post('/api/blog/new', { title: '游记', content: '<p>Σ去了 İSTANBUL 和 istanbul</p>' }), 200, 0).data as { id: number };
      const istanbul = (await search('İstanbul')).hits;
      assert.deepEqual(istanbul.map((found) => found.id), [created.id]);
      const excerpt = istanbul[0]?.excerpt;
      assert.ok(excerpt);
      assert.deepEqual(excerpt.matches.map(([start, end]) => excerpt.text.slice(start, end)), ['İSTANBUL']);
      assertEnvelope(await zhangsan.post(`/api/blog/del?id=${created.id}`), 200, 0);
    });

    it('combines with author, paging and X-Total-Count', async () => {
      const first = await search('学习', '&pageSize=1');
      assert.equal(first.reply.headers.get('x-total-count'), '2');
      assert.deepEqual(first.hits.map((hit) => hit.id), [ids.notes]);
      assert.deepEqual(await found('学习', '&pageSize=1&page=2'), [ids.link]);
      assert.deepEqual(await found('学习', '&author=zhangsan'), [ids.link]);
      const own = assertEnvelope(await lisi.get('/api/blog/list?isadmin=1&search=%E5%AD%A6%E4%B9%A0'), 200, 0).data as Hit[];
      assert.deepEqual(own.map((hit) => hit.id), [ids.notes]);
    });

    it('reflects updates and deletes at once', async () => {
      assertEnvelope(await zhangsan.post(`/api/blog/update?id=${ids.forecast}`, { title: '晴天', content: '<p>出门</p>' }), 200, 0);
      assert.deepEqual(await found('天气'), [ids.diary]);
      assert.deepEqual(await found('出门'), [ids.forecast]);
      assertEnvelope(await lisi.post(`/api/blog/del?id=${ids.diary}`), 200, 0);
      assert.deepEqual(await found('天气'), []);
      // Answered exactly while queued; then the background build writes the entries, which say the same.
      const { search } = (server ?? assert.fail('server')).app.storage;
      await eventually(async () => (await search.pendingCount()) === 0, 10_000, 'the written blogs indexed after the answers');
      assert.deepEqual(await found('天气'), []);
      assert.deepEqual(await found('出门'), [ids.forecast]);
    });

    it('finds drafts and scheduled posts only in the author\'s own search, and counts only public posts', async () => {
      const write = async (title: string, extra: Record<string, unknown>) => (assertEnvelope(await zhangsan.post('/api/blog/new', { title, content: '<p>海上见到鲸鱼。</p>', ...extra }), 200, 0).data as { id: number }).id;
      const older = await write('鲸鱼 一', {});
      const newer = await write('鲸鱼 二', {});
      const draft = await write('鲸鱼 草稿', { status: 'draft' });
      const scheduled = await write('鲸鱼 预告', { publishtime: Date.now() + 86_400_000 });
      // Page size 1: the totals come from the counters, less the hidden posts, not from a short page.
      const first = await search('鲸鱼', '&pageSize=1');
      assert.deepEqual(first.hits.map((hit) => hit.id), [newer]);
      assert.equal(first.reply.headers.get('x-total-count'), '2');
      assert.deepEqual(await found('鲸鱼'), [newer, older]);
      assert.deepEqual(await found('"海上见到"'), [newer, older]);
      assert.ok(server);
      const keyword = await new Client(server.url).get(`/api/blog/list?keyword=${encodeURIComponent('鲸鱼')}&pageSize=1`);
      assert.deepEqual((assertEnvelope(keyword, 200, 0).data as Hit[]).map((hit) => hit.id), [newer]);
      assert.equal(keyword.headers.get('x-total-count'), '2');
      // The same totals from the index once the four are built (above they may still be queued and
      // scanned): the term's and the gram's counters hold all four, less the draft and the scheduled post.
      const { search: index } = (server ?? assert.fail('server')).app.storage;
      await eventually(async () => (await index.pendingCount()) === 0, 10_000, 'the written blogs indexed');
      assert.equal((await search('鲸鱼', '&pageSize=1')).reply.headers.get('x-total-count'), '2');
      assert.equal((await search('海上', '&pageSize=1')).reply.headers.get('x-total-count'), '2');
      const indexedKeyword = await new Client(server.url).get(`/api/blog/list?keyword=${encodeURIComponent('鲸鱼')}&pageSize=1`);
      assert.equal(indexedKeyword.headers.get('x-total-count'), '2');
      const own = await zhangsan.get(`/api/blog/list?isadmin=1&search=${encodeURIComponent('鲸鱼')}&pageSize=1`);
      assert.deepEqual((assertEnvelope(own, 200, 0).data as Hit[]).map((hit) => hit.id), [scheduled]);
      assert.equal(own.headers.get('x-total-count'), '4');
      const ownAll = assertEnvelope(await zhangsan.get(`/api/blog/list?isadmin=1&search=${encodeURIComponent('鲸鱼')}`), 200, 0).data as Hit[];
      assert.deepEqual(ownAll.map((hit) => hit.id), [scheduled, draft, newer, older]);
      const drafts = assertEnvelope(await zhangsan.get(`/api/blog/list?isadmin=1&status=draft&search=${encodeURIComponent('鲸鱼')}`), 200, 0).data as Hit[];
      assert.deepEqual(drafts.map((hit) => hit.id), [draft]);
      // Published: found at once, by everyone.
      assertEnvelope(await zhangsan.post(`/api/blog/update?id=${draft}`, { title: '鲸鱼 草稿', content: '<p>海上见到鲸鱼。</p>', status: 'published' }), 200, 0);
      assert.deepEqual(await found('鲸鱼'), [draft, newer, older]);
      for (const id of [older, newer, draft, scheduled]) assertEnvelope(await zhangsan.post(`/api/blog/del?id=${id}`), 200, 0);
      assert.deepEqual(assertEnvelope(await zhangsan.get(`/api/blog/list?isadmin=1&search=${encodeURIComponent('鲸鱼')}`), 200, 0).data, []);
    });
  });
}
