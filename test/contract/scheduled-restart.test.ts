/**
 * A scheduled post publishes itself with no process running at its moment: the real `blog-server
 * serve` schedules a post a few seconds ahead and stops; after the moment a new process starts on
 * the same database and lists and counts it — nothing fired in between, visibility is computed from
 * the clock at read time. The same server also keeps at most REVISIONS_KEPT revisions per post.
 * On a SQLite file and on MariaDB.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client, assertEnvelope, type Reply } from '../helpers/client.ts';
import { createTestDatabase, skipUnless, type TestResource } from '../helpers/databases.ts';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

interface Backend {
  name: string;
  skip: string | undefined;
  prepare(root: string): Promise<{ url: string; drop(): Promise<void> }>;
}

const backends: Backend[] = [
  { name: 'a SQLite file', skip: undefined, prepare: async (root) => ({ url: join(root, 'blog.db'), drop: async () => {} }) },
  {
    name: 'MariaDB',
    skip: skipUnless(['mariadb'], 'a scheduled post across a restart on MariaDB'),
    async prepare() {
      const database: TestResource = await createTestDatabase('mariadb');
      return { url: database.url, drop: () => database.drop() };
    },
  },
];

const revisionsKept = 3;

function totalOf(reply: Reply): number {
  return Number(reply.headers.get('x-total-count'));
}

async function listedIds(client: Client): Promise<{ ids: number[]; total: number }> {
  const reply = await client.get('/api/blog/list?author=zhangsan&pageSize=1000');
  const body = assertEnvelope(reply, 200, 0);
  return { ids: (body.data as { id: number }[]).map((blog) => blog.id), total: totalOf(reply) };
}

for (const backend of backends) {
  describe(`a scheduled post across a restart, on ${backend.name}`, { skip: backend.skip }, () => {
    const root = mkdtempSync(join(tmpdir(), 'blog-scheduled-'));
    const running: ServeProcess[] = [];
    let storage: { url: string; drop(): Promise<void> } | undefined;
    after(async () => {
      for (const server of running) await server.stop();
      await storage?.drop();
      rmSync(root, { recursive: true, force: true });
    });

    it('is hidden before its time, and listed and counted by a server started after it', async () => {
      storage = await backend.prepare(root);
      const env = {
        NODE_ENV: 'test', DATABASE_URL: storage.url, SESSION_STORE: 'memory', LOG_DIR: join(root, 'logs'), ACCESS_LOG: 'off', REVISIONS_KEPT: String(revisionsKept),
      };
      const first = await startServeProcess({ cwd: root, env });
      running.push(first);
      const author = new Client(first.url);
      await author.login('zhangsan');
      const anonymous = new Client(first.url);

      // The bound of revisions: the newest REVISIONS_KEPT previous versions stay.
      const edited = (assertEnvelope(await author.post('/api/blog/new', { title: 'v0', content: 'c' }), 200, 0).data as { id: number }).id;
      for (let version = 1; version <= revisionsKept + 2; version += 1) {
        assertEnvelope(await author.post(`/api/blog/update?id=${edited}`, { title: `v${version}`, content: 'c' }), 200, 0);
      }
      const revisions = assertEnvelope(await author.get(`/api/blog/revisions?id=${edited}`), 200, 0).data as { title: string }[];
      assert.deepEqual(revisions.map((revision) => revision.title), ['v4', 'v3', 'v2']);

      const before = await listedIds(anonymous);
      let scheduled: { id: number; publishtime: number } | undefined;
      let created = 0;
      // A slow machine that cannot look within the lead tries a longer one.
      for (const lead of [2_500, 5_000, 10_000]) {
        const publishtime = Date.now() + lead;
        const id = (assertEnvelope(await author.post('/api/blog/new', { title: `定时 ${lead}`, content: 'c', publishtime }), 200, 0).data as { id: number }).id;
        created += 1;
        assertEnvelope(await anonymous.get(`/api/blog/detail?id=${id}`), 200, -1, 'BLOG_NOT_FOUND', '博客不存在');
        const hidden = await listedIds(anonymous);
        if (Date.now() >= publishtime) continue;
        assert.ok(!hidden.ids.includes(id));
        assert.ok(hidden.total <= before.total + created - 1, 'not counted (earlier, shorter tries may be due by now)');
        scheduled = { id, publishtime };
        break;
      }
      assert.ok(scheduled, 'the server never answered within the lead');
      await first.stop();

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, scheduled.publishtime - Date.now() + 100)));
      const second = await startServeProcess({ cwd: root, env });
      running.push(second);
      const reader = new Client(second.url);
      const after = await listedIds(reader);
      assert.ok(after.ids.includes(scheduled.id), 'listed at its time');
      assert.equal(after.total, before.total + created, 'counted at its time');
      const shown = assertEnvelope(await reader.get(`/api/blog/detail?id=${scheduled.id}`), 200, 0).data as { createtime: number; status: string };
      assert.deepEqual([shown.createtime, shown.status], [scheduled.publishtime, 'published']);
    });
  });
}
