/**
 * `keyword=` answered by the search index equals a plain scan, on every database: a few thousand
 * generated titles mixing Chinese, Latin with accents and case, digits, emoji, `%`, `_` and `\`;
 * hundreds of random 1–6 character queries, alone, with `author` and with paging, give exactly the
 * ids, order and X-Total-Count of a JS substring scan of the lower-cased titles. Half of the queries
 * run while the generated rows are still queued (the fallback scan), half after the batch build.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { rareGramBlogs } from '../../src/storage/search-index.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { createTestDatabase, skipUnless, type TestResource } from '../helpers/databases.ts';
import { eventually } from '../helpers/eventually.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';
import { seededRandom } from '../helpers/access-log-generator.ts';

/** A small alphabet, so that short queries hit often: CJK, cased Latin (É/é, ß, İ), digits, emoji, LIKE wildcards. */
const alphabet = Array.from('学习天气中文的aAbBeEéÉßİz09%_\\ 😀🎉-');
/** One character a quarter of all title characters: in more titles than `rareGramBlogs`, so its pages walk the blogs. */
const common = '的';
const authors = ['zhangsan', 'lisi', 'wangwu'];
const postCount = 2_000;

/** A deterministic generator (mulberry32, shared with the log generator): a failure can be replayed. */
const random = seededRandom;

interface Post { id: number; title: string; author: string; createtime: number }

/** The reference: case-insensitive substring, newest first, ties by id. */
function expected(posts: readonly Post[], keyword: string, author?: string): number[] {
  const wanted = keyword.toLowerCase();
  return posts
    .filter((post) => (author === undefined || post.author === author) && post.title.toLowerCase().includes(wanted))
    .sort((a, b) => b.createtime - a.createtime || b.id - a.id)
    .map((post) => post.id);
}

interface Query { keyword: string; author?: string; page: number; pageSize: number }

function queries(next: () => number, posts: readonly Post[], count: number): Query[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const out: Query[] = [];
  while (out.length < count) {
    const length = 1 + Math.floor(next() * 6);
    let keyword: string;
    if (next() < 0.7) {
      // A piece of a real title, its case flipped here and there: mostly hits.
      const points = Array.from(pick(posts).title);
      const start = Math.floor(next() * Math.max(1, points.length - length));
      keyword = points.slice(start, start + length).map((point) => (next() < 0.3 ? point.toUpperCase() : point)).join('');
    } else {
      keyword = Array.from({ length }, () => pick(alphabet)).join('');
    }
    if (keyword.trim() === '') continue;
    const paged = next() < 0.3;
    out.push({
      keyword,
      ...(next() < 0.3 ? { author: pick(authors) } : {}),
      page: paged ? 1 + Math.floor(next() * 3) : 1,
      pageSize: paged ? 1 + Math.floor(next() * 7) : 50,
    });
  }
  return out;
}

const storages = [
  { name: 'SQLite', service: undefined },
  { name: 'MariaDB', service: 'mariadb' as const },
  { name: 'PostgreSQL', service: 'postgres' as const },
];

for (const storage of storages) {
  const skip = storage.service === undefined ? undefined : skipUnless([storage.service], `the ${storage.name} keyword differential test`);
  describe(`keyword= on ${storage.name}: the index answers as a substring scan does`, { skip }, () => {
    let database: TestResource | undefined;
    let server: TestServer | undefined;
    const posts: Post[] = [];
    const next = random(16_2026);

    before(async () => {
      database = storage.service === undefined ? undefined : await createTestDatabase(storage.service);
      server = await startTestServer({ env: { DEMO_DATA: 'false', LIST_MAX_SIZE: '50' }, ...(database ? { databaseUrl: database.url } : {}) });
      const { db } = server.app.storage;
      // Straight into `blogs`, as another program would write: the triggers queue them for the index.
      const rows = Array.from({ length: postCount }, (_, index) => ({
        title: Array.from({ length: 2 + Math.floor(next() * 14) }, () => (next() < 0.25 ? common : alphabet[Math.floor(next() * alphabet.length)])).join(''),
        content: 'c',
        author: authors[index % authors.length] ?? 'zhangsan',
        // Repeated times: the order falls back on the id.
        createtime: 1_700_000_000_000 + Math.floor(next() * 400),
      }));
      for (let start = 0; start < rows.length; start += 500) await db.insertInto('blogs').values(rows.slice(start, start + 500)).execute();
      const stored = await db.selectFrom('blogs').select(['id', 'title', 'author', 'createtime']).execute();
      posts.push(...stored.map((row) => ({ id: Number(row.id), title: row.title, author: row.author, createtime: Number(row.createtime) })));
      assert.equal(posts.length, postCount);
    });

    after(async () => {
      await server?.close();
      await database?.drop();
    });

    /** `misses`: whether some of the batch must find nothing (random queries; not a batch of one common keyword). */
    const check = async (batch: readonly Query[], { misses = true } = {}) => {
      assert.ok(server);
      const client = new Client(server.url);
      let hits = 0;
      for (const query of batch) {
        const parameters = new URLSearchParams({ keyword: query.keyword, page: String(query.page), pageSize: String(query.pageSize) });
        if (query.author !== undefined) parameters.set('author', query.author);
        const reply = await client.get(`/api/blog/list?${parameters}`);
        const ids = (assertEnvelope(reply, 200, 0).data as { id: number }[]).map((blog) => blog.id);
        const all = expected(posts, query.keyword, query.author);
        const start = (query.page - 1) * query.pageSize;
        assert.deepEqual(ids, all.slice(start, start + query.pageSize), `ids of ${JSON.stringify(query)}`);
        assert.equal(Number(reply.headers.get('x-total-count')), all.length, `X-Total-Count of ${JSON.stringify(query)}`);
        if (all.length > 0) hits += 1;
      }
      // The queries are meaningful: most find something, some find nothing.
      assert.ok(hits > batch.length / 3 && (!misses || hits < batch.length), `${hits} of ${batch.length} queries hit`);
    };

    it('while the rows are still queued (the fallback scan)', async () => {
      assert.ok(server);
      assert.equal(await server.app.storage.search.pendingCount(), postCount);
      await check(queries(next, posts, 40));
    });

    it('after the batch build, through the index', async () => {
      assert.ok(server);
      const seen: number[] = [];
      assert.equal(await server.app.storage.search.buildPending((done) => seen.push(done)), postCount);
      assert.equal(await server.app.storage.search.pendingCount(), 0);
      assert.ok(seen.length > 2 && seen.at(-1) === postCount, `progress ${seen.join(', ')}`);
      await check(queries(next, posts, 150));
    });

    it('a keyword whose grams are all common: its pages walk the blogs newest first, with the same answers', async () => {
      assert.ok(server);
      const counter = await server.app.storage.db.selectFrom('blog_title_gram_counts').select('n').where('gram', '=', common).executeTakeFirst();
      assert.ok(Number(counter?.n) > rareGramBlogs, `'${common}' is in ${String(counter?.n)} titles, more than ${rareGramBlogs}`);
      const walked: Query[] = [];
      for (const author of [undefined, ...authors]) {
        // Page 1,400 of 5 ends past where a walk beats the list (`walkIsShorter`): that page reads the list.
        for (const [page, pageSize] of [[1, 50], [1, 7], [3, 7], [40, 5], [400, 5], [1_400, 5]] as const) walked.push({ keyword: common, ...(author ? { author } : {}), page, pageSize });
      }
      await check(walked, { misses: false });
    });

    it('after writes through the API: created, updated and deleted posts at once', async () => {
      assert.ok(server);
      const client = new Client(server.url);
      await server.app.services.users.createUser({ username: 'zhangsan', password: '123', realname: '张三' }, { allowWeakPassword: true });
      await client.login('zhangsan');
      const created = assertEnvelope(await client.post('/api/blog/new', { title: 'Élan 新标题 100%', content: 'x' }), 200, 0).data as { id: number };
      const find = async (keyword: string) => (assertEnvelope(await client.get(`/api/blog/list?keyword=${encodeURIComponent(keyword)}`), 200, 0).data as { id: number }[]).map((blog) => blog.id);
      assert.deepEqual(await find('éLAN 新'), [created.id]);
      assertEnvelope(await client.post(`/api/blog/update?id=${created.id}`, { title: '改名 ÉTÉ', content: 'y' }), 200, 0);
      assert.deepEqual(await find('élan'), []);
      assert.deepEqual(await find('改名 é'), [created.id]);
      const updated = assertEnvelope(await client.post('/api/blog/new', { title: 'Élan 旧标题', content: 'x' }), 200, 0).data as { id: number };
      assertEnvelope(await client.post(`/api/blog/update?id=${updated.id}`, { title: '改名 ÉTÉ', content: 'y' }), 200, 0);
      assertEnvelope(await client.post(`/api/blog/del?id=${created.id}`), 200, 0);
      assert.deepEqual(await find('改名'), [updated.id]);
      // Answered exactly while queued; then the background build writes the entries, which say the same.
      const { search } = server.app.storage;
      await eventually(async () => (await search.pendingCount()) === 0, 10_000, 'the written blogs indexed after the answers');
      assert.deepEqual(await find('改名'), [updated.id]);
      assert.deepEqual(await find('élan'), []);
    });

    it('concurrent updates while the background build runs: the entries end as the last writes left the posts', async () => {
      assert.ok(server);
      const client = new Client(server.url);
      await client.login('zhangsan');
      const posts = await Promise.all(Array.from({ length: 4 }, async (_, index) => (assertEnvelope(await client.post('/api/blog/new', { title: `「起${index}」`, content: 'x' }), 200, 0).data as { id: number }).id));
      // Eight rounds of one update per post at once: builds claim blogs that the next round queues again.
      for (let round = 0; round < 8; round++) {
        await Promise.all(posts.map(async (id, index) => assertEnvelope(await client.post(`/api/blog/update?id=${id}`, { title: `「${round}-${index}」`, content: 'y' }), 200, 0)));
      }
      const { search } = server.app.storage;
      await eventually(async () => (await search.pendingCount()) === 0, 20_000, 'the updates indexed');
      const find = async (keyword: string) => (assertEnvelope(await client.get(`/api/blog/list?keyword=${encodeURIComponent(keyword)}`), 200, 0).data as { id: number }[]).map((blog) => blog.id);
      for (const [index, id] of posts.entries()) {
        assert.deepEqual(await find(`「7-${index}」`), [id], `the last title of post ${index}`);
        for (const round of [0, 3, 6]) assert.deepEqual(await find(`「${round}-${index}」`), [], `round ${round}'s title of post ${index}`);
        assert.deepEqual(await find(`「起${index}」`), [], `the first title of post ${index}`);
      }
    });
  });
}
