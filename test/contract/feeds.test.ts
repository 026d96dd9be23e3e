/**
 * Feeds, sitemap and robots.txt over real HTTP: valid XML (fast-xml-parser) that a well-kept feed
 * reader (@rowanmanning/feed-parser) reads back — entries newest first, permalinks, dates, authors,
 * text escaped right (Chinese, emoji, `&`, `<`, `]]>`) — author feeds, 304 on a conditional GET, a
 * sitemap index past SITEMAP_PAGE_SIZE URLs, PUBLIC_URL and the forwarded origin; and every engine
 * serves them alike.
 */
import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

const tricky = { title: 'A & B <i>斜</i> ]]> 😀 中文', content: '<p>段落 & <b>粗</b> ]]> 😀</p><script>alert(1)</script>' };

function assertXml(text: string): void {
  const valid = XMLValidator.validate(text);
  assert.equal(valid, true, JSON.stringify(valid));
}

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['url', 'sitemap'].includes(name) });

interface UrlEntry { loc: string; lastmod?: string }
function sitemapUrls(text: string): UrlEntry[] {
  assertXml(text);
  const parsed = parser.parse(text) as { urlset?: { url?: UrlEntry[] } };
  return parsed.urlset?.url ?? [];
}

describe('feeds and sitemap', () => {
  let server: TestServer;
  let zhangsan: Client;
  let anonymous: Client;
  let trickyId: number;
  const publicUrl = 'https://blog.example.com/';
  const origin = 'https://blog.example.com';

  before(async () => {
    server = await startTestServer({ env: { PUBLIC_URL: publicUrl, SITEMAP_PAGE_SIZE: '4' } });
    zhangsan = new Client(server.url);
    anonymous = new Client(server.url);
    await zhangsan.login('zhangsan');
    trickyId = await create(tricky.title, tricky.content);
  });
  after(() => server.close());

  async function create(title: string, content: string): Promise<number> {
    return (assertEnvelope(await zhangsan.post('/api/blog/new', { title, content }), 200, 0).data as { id: number }).id;
  }

  it('RSS 2.0: the newest posts, newest first, full content, permalinks, authors and dates, escaped right', async () => {
    const reply = await anonymous.get('/feed.xml');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('content-type'), 'application/rss+xml; charset=utf-8');
    assertXml(reply.text);
    assert.match(reply.text, /<content:encoded>/);
    const feed = parseFeed(reply.text);
    const list = assertEnvelope(await anonymous.get('/api/blog/list?pageSize=20'), 200, 0).data as { id: number; title: string; author: string; createtime: number }[];
    assert.deepEqual(feed.items.map((item) => item.url), list.map((blog) => `${origin}/detail.html?id=${blog.id}`));
    const first = feed.items.find((item) => item.url === `${origin}/detail.html?id=${trickyId}`);
    assert.ok(first);
    assert.equal(first.title, tricky.title, 'the title a page shows, escaped once in the XML');
    assert.match(first.content ?? '', /<p>段落 &(amp;)? <b>粗<\/b> \]\]> 😀<\/p>/);
    assert.doesNotMatch(reply.text, /<script/, 'the content is the filtered one (its script escaped to text)');
    const blog = list.find((listed) => listed.id === trickyId);
    assert.ok(blog, 'the new post is in the feed');
    assert.equal(first.published?.getTime(), Math.floor(blog.createtime / 1000) * 1000, 'RSS dates are to the second');
    assert.ok(first.authors.some((author) => author.name === 'zhangsan'));
  });

  it('Atom 1.0: the same entries, ids and links to the detail page', async () => {
    const reply = await anonymous.get('/atom.xml');
    assert.equal(reply.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    assertXml(reply.text);
    const feed = parseFeed(reply.text);
    const rss = parseFeed((await anonymous.get('/feed.xml')).text);
    assert.deepEqual(feed.items.map((item) => item.url), rss.items.map((item) => item.url));
    // Atom titles are HTML (type="html"): the stored, XSS-filtered title.
    assert.equal(feed.items.find((item) => item.url === `${origin}/detail.html?id=${trickyId}`)?.title, tricky.title);
    assert.doesNotMatch(reply.text, /<script/);
    assert.ok(feed.items.length > 0 && feed.items.length <= 20);
    assert.equal(feed.url, `${origin}/`);
  });

  it('?author= gives one author\'s feed; an unknown author an empty one', async () => {
    for (const path of ['/feed.xml', '/atom.xml']) {
      const feed = parseFeed((await anonymous.get(`${path}?author=lisi`)).text);
      assert.ok(feed.items.length > 0 && feed.items.every((item) => item.authors.some((author) => author.name === 'lisi')));
      const none = await anonymous.get(`${path}?author=${encodeURIComponent('没有这个人 & <x>')}`);
      assertXml(none.text);
      assert.equal(parseFeed(none.text).items.length, 0);
    }
  });

  it('answers a repeated conditional GET with 304, and a changed feed with 200', async () => {
    const first = await anonymous.get('/feed.xml');
    const etag = first.headers.get('etag') ?? '';
    const lastModified = first.headers.get('last-modified') ?? '';
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
    assert.ok(!Number.isNaN(Date.parse(lastModified)));
    const again = await anonymous.get('/feed.xml', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.headers.get('etag'), etag);
    assert.equal((await anonymous.get('/feed.xml', { headers: { 'if-modified-since': lastModified } })).status, 304);
    assert.equal((await anonymous.get('/feed.xml', { headers: { 'if-none-match': '"other"' } })).status, 200);
    await create(`新的一篇 ${Date.now()}`, '内容');
    const changed = await anonymous.get('/feed.xml', { headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
  });

  it('sitemap: past SITEMAP_PAGE_SIZE URLs an index of pages that hold every post and author page once, with lastmod', async () => {
    const reply = await anonymous.get('/sitemap.xml');
    assert.equal(reply.headers.get('content-type'), 'application/xml; charset=utf-8');
    assertXml(reply.text);
    const index = (parser.parse(reply.text) as { sitemapindex: { sitemap: UrlEntry[] } }).sitemapindex.sitemap;
    assert.ok(index.length >= 2, 'paged at 4 URLs');
    assert.deepEqual(index.map((entry) => entry.loc), index.map((_, number) => `${origin}/sitemap.xml?page=${number + 1}`));
    const urls: UrlEntry[] = [];
    for (const entry of index) urls.push(...sitemapUrls((await anonymous.get(entry.loc.slice(origin.length))).text));
    const total = Number((await anonymous.get('/api/blog/list')).headers.get('x-total-count'));
    const posts = urls.filter((url) => url.loc.startsWith(`${origin}/detail.html?id=`));
    assert.equal(posts.length, total);
    assert.equal(new Set(urls.map((url) => url.loc)).size, urls.length, 'each URL once');
    assert.deepEqual(urls.filter((url) => url.loc.includes('/author.html')).map((url) => url.loc).sort(), [`${origin}/author.html?author=lisi`, `${origin}/author.html?author=zhangsan`]);
    assert.equal(urls[0]?.loc, `${origin}/`);
    assert.ok(urls.every((url) => url.lastmod !== undefined && !Number.isNaN(Date.parse(url.lastmod))));
    assert.equal((await anonymous.get(`/sitemap.xml?page=${index.length + 1}`)).status, 404);
  });

  it('robots.txt names the sitemap and keeps crawlers off the API', async () => {
    const reply = await anonymous.get('/robots.txt');
    assert.equal(reply.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(reply.text, /^User-agent: \*$/m);
    assert.match(reply.text, /^Disallow: \/api\/$/m);
    assert.match(reply.text, new RegExp(`^Sitemap: ${origin}/sitemap\\.xml$`, 'm'));
  });

  it('the pages link both feeds', async () => {
    const page = await anonymous.get('/');
    if (page.status === 404) assert.fail('dist/web is missing: run `npm run build`');
    assert.match(page.text, /<link rel="alternate" type="application\/rss\+xml"[^>]* href="\/feed\.xml">/);
    assert.match(page.text, /<link rel="alternate" type="application\/atom\+xml"[^>]* href="\/atom\.xml">/);
  });
});

/** robots.txt asked for with this Host header (fetch may not set one). */
function robotsWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}/robots.txt`, { headers: { host }, timeout: 10_000 }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve(text));
    });
    outgoing.on('error', reject);
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer')));
    outgoing.end();
  });
}

describe('the origin of absolute links without PUBLIC_URL', () => {
  for (const trustProxy of [false, true]) {
    it(`is the request's own${trustProxy ? ', or the forwarded one under TRUST_PROXY' : '; X-Forwarded-* is ignored without TRUST_PROXY'}`, async () => {
      const server = await startTestServer({ env: { TRUST_PROXY: String(trustProxy) } });
      try {
        const client = new Client(server.url);
        const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'proxied.example' };
        const robots = (await client.get('/robots.txt', { headers: forwarded })).text;
        const expected = trustProxy ? 'https://proxied.example' : server.url;
        assert.match(robots, new RegExp(`^Sitemap: ${expected.replace(/[.]/g, '\\.')}/sitemap\\.xml$`, 'm'));
        if (!trustProxy) assert.match(await robotsWithHost(server.url, 'evil.example/<x>'), /^Sitemap: http:\/\/localhost\/sitemap\.xml$/m, 'a Host that is no host name is not echoed');
      } finally {
        await server.close();
      }
    });
  }
});

describe('every engine serves the documents alike', () => {
  for (const engine of ENGINE_NAMES) {
    it(engine, async () => {
      const server = await startTestServer({ engine, env: { PUBLIC_URL: 'http://site.example' } });
      try {
        const client = new Client(server.url);
        const expectations: [string, string][] = [['/feed.xml', 'application/rss+xml; charset=utf-8'], ['/atom.xml', 'application/atom+xml; charset=utf-8'], ['/sitemap.xml', 'application/xml; charset=utf-8'], ['/robots.txt', 'text/plain; charset=utf-8']];
        for (const [path, type] of expectations) {
          const reply = await client.get(path);
          assert.equal(reply.status, 200, `${path} on ${engine}`);
          assert.equal(reply.headers.get('content-type'), type);
          if (path !== '/robots.txt') assertXml(reply.text);
          const etag = reply.headers.get('etag');
          if (etag !== null) assert.equal((await client.get(path, { headers: { 'if-none-match': etag } })).status, 304, `${path} 304 on ${engine}`);
        }
        assert.equal(parseFeed((await client.get('/feed.xml')).text).items.length, 3, 'the demo posts');
        const head = await client.request('HEAD', '/feed.xml');
        assert.equal(head.status, 200);
        assert.equal(head.text, '');
        const post = await client.post('/feed.xml', {});
        assert.equal(post.status, 405);
      } finally {
        await server.close();
      }
    });
  }
});
