/**
 * `backup` while 20 writers create and update posts through a running server, on SQLite, MariaDB and
 * PostgreSQL: the restored database is one instant of the source (each writer's posts a prefix of
 * what it wrote, no torn row, nothing invented), its counts match the manifest, and it serves with
 * the old passwords and the next id after the largest.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { Client, assertEnvelope } from '../helpers/client.ts';
import { createMariadbDatabase, createPostgresDatabase, skipUnless, type TestResource } from '../helpers/databases.ts';
import { startTestServer } from '../helpers/start-server.ts';
import { backupLines, readAll } from './blog-data.ts';
import { checkServedBlog, type Account } from './served-checks.ts';

const WRITERS = 20;
const accounts: Account[] = [0, 1, 2, 3].map((index) => ({ username: `writer${index}`, password: `password-写手-${index}`, realname: `写手 ${index} ✍️` }));
const tagPattern = /^w(\d+)-n(\d+)-v(\d+)$/;
const tag = (writer: number, post: number, version: number) => `w${writer}-n${post}-v${version}`;

interface Writers {
  /** Operations acknowledged so far. */
  done(): number;
  stop(): Promise<void>;
}

/** 20 sequential writers: each creates posts and updates one of its own now and then. */
function startWriters(url: string, cookies: readonly string[]): Writers {
  let stopping = false;
  let done = 0;
  const run = async (writer: number) => {
    const client = new Client(url);
    client.cookie = cookies[writer % cookies.length];
    const ids: number[] = [];
    const versions: number[] = [];
    for (let step = 0; !stopping; step += 1) {
      if (step % 3 === 2 && ids.length > 0) {
        const post = step % ids.length;
        const version = (versions[post] ?? 0) + 1;
        const text = tag(writer, post, version);
        assertEnvelope(await client.post(`/api/blog/update?id=${ids[post]}`, { title: text, content: `${text} 更新了 😀` }), 200, 0);
        versions[post] = version;
      } else {
        const text = tag(writer, ids.length, 0);
        const reply = await client.post('/api/blog/new', { title: text, content: `${text} 新的 😀` });
        ids.push((assertEnvelope(reply, 200, 0).data as { id: number }).id);
        versions.push(0);
      }
      done += 1;
    }
  };
  const running = Promise.all(Array.from({ length: WRITERS }, (_, writer) => run(writer)));
  return {
    done: () => done,
    async stop() {
      stopping = true;
      await running;
    },
  };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const kinds = [
  { name: 'SQLite', services: [], create: undefined },
  { name: 'MariaDB', services: ['mariadb'], create: createMariadbDatabase },
  { name: 'PostgreSQL', services: ['postgres'], create: createPostgresDatabase },
] as const;

for (const kind of kinds) {
  describe(`backup under 20 writers on ${kind.name}`, { skip: kind.services.length === 0 ? undefined : skipUnless(kind.services, `the ${kind.name} backup under writes`) }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'blog-backup-writes-'));
    const resources: TestResource[] = [];
    const fresh = async (name: string) => {
      if (!kind.create) return join(dir, `${name}.db`);
      const resource = await kind.create();
      resources.push(resource);
      return resource.url;
    };
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      for (const resource of resources) await resource.drop();
    });

    it('restores one instant of the source: prefixes, no torn rows, counts, sequences, logins', async () => {
      const sourceUrl = await fresh('source');
      const server = await startTestServer({ databaseUrl: sourceUrl });
      const file = join(dir, 'under-writes.jsonl.gz');
      let writers: Writers | undefined;
      try {
        const cookies: string[] = [];
        for (const account of accounts) {
          await server.app.services.users.createUser(account);
          const client = new Client(server.url);
          await client.login(account.username, account.password);
          assert.ok(client.cookie);
          cookies.push(client.cookie);
        }
        const running = startWriters(server.url, cookies);
        writers = running;
        await waitFor(() => running.done() >= 2 * WRITERS, 'the writers to start');
        const before = running.done();
        const result = await runCli(['backup', '--out', file], { env: { DATABASE_URL: sourceUrl }, timeoutMs: 60_000 });
        assert.equal(result.code, 0, result.stderr);
        assert.ok(running.done() > before, 'writes went on during the backup');
        await writers.stop();
        writers = undefined;
      } finally {
        await writers?.stop().catch(() => {});
        await server.close();
      }
      const source = await readAll(sourceUrl);

      const targetUrl = await fresh('restored');
      const restore = await runCli(['restore', file], { env: { DATABASE_URL: targetUrl }, timeoutMs: 60_000 });
      assert.equal(restore.code, 0, restore.stderr);
      const restored = await readAll(targetUrl);

      const header = JSON.parse(backupLines(file)[0] ?? '') as { tables: { name: string; rows: number }[] };
      assert.deepEqual(header.tables.map((table) => table.rows), [restored.users.length, restored.blogs.length, restored.revisions.length]);
      // Every update kept the version it replaced, in its own transaction: a revision never outlives its blog in a snapshot.
      const restoredIds = new Set(restored.blogs.map((blog) => blog.id));
      assert.ok(restored.revisions.every((revision) => restoredIds.has(revision.blog_id)), 'each revision belongs to a restored blog');
      assert.ok(restored.blogs.length < source.blogs.length, 'the source kept growing after the snapshot');
      assert.deepEqual(restored.users, source.users);

      const finalById = new Map(source.blogs.map((blog) => [blog.id, blog]));
      const postsOf = new Map<number, number[]>();
      for (const blog of restored.blogs) {
        const final = finalById.get(blog.id);
        assert.ok(final, `restored blog ${blog.id} never existed`);
        assert.deepEqual([blog.author, blog.createtime], [final.author, final.createtime]);
        const match = tagPattern.exec(blog.title);
        if (!match) continue; // a demo post
        const [writer, post, version] = [Number(match[1]), Number(match[2]), Number(match[3])];
        assert.ok(blog.content.startsWith(`${blog.title} `), `blog ${blog.id} is torn: ${blog.title} / ${blog.content}`);
        assert.equal(blog.updatetime === null, version === 0, `blog ${blog.id}: updatetime and version agree`);
        assert.ok(version <= Number(tagPattern.exec(final.title)?.[3]), `blog ${blog.id} is newer than the source`);
        postsOf.set(writer, [...(postsOf.get(writer) ?? []), post]);
      }
      assert.equal(postsOf.size, WRITERS);
      for (const [writer, posts] of postsOf) assert.deepEqual([...posts].sort((a, b) => a - b), posts.map((_, index) => index), `writer ${writer}'s posts are a prefix`);

      await checkServedBlog(targetUrl, restored, accounts);
    });
  });
}
