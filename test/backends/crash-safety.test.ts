/**
 * No acknowledged write is lost to a crash: the real `blog-server serve` (production settings) as a
 * child process, 200 creates fired at once by a logged-in user, `kill -9` while they run, a restart
 * on the same data. Every create answered `errno 0` is there with its title and content intact,
 * every row the creates left is whole, and the list's `X-Total-Count` (kept by triggers) equals the
 * rows counted directly in the database and the rows the list pages through. On a SQLite file and
 * on MariaDB.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli.ts';
import { createMariadbDatabase, skipUnless, withMariadb, type TestResource } from '../helpers/databases.ts';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

const creates = 200;
/** The kill goes out when this many creates have been answered: the rest are still in flight. */
const killAfter = 10;
const password = 'correct horse battery';
const titleOf = (index: number) => `crash ${index}`;
/** Long enough that a torn write would show: each content differs in length and text. */
const contentOf = (index: number) => `content of create ${index}: ${'数据'.repeat(50 + index)}`;

interface Row {
  title: string;
  content: string;
}

interface Backend {
  name: string;
  /** Why it cannot run here; undefined when it can. */
  skip: string | undefined;
  prepare(root: string): Promise<{ url: string; rows(): Promise<Row[]>; drop(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'a SQLite file',
    skip: undefined,
    async prepare(root) {
      const file = join(root, 'blog.db');
      return {
        url: file,
        async rows() {
          const database = new Database(file, { readonly: true });
          try {
            return database.prepare('select title, content from blogs').all() as Row[];
          } finally {
            database.close();
          }
        },
        drop: async () => {},
      };
    },
  },
  {
    name: 'MariaDB',
    skip: skipUnless(['mariadb'], 'crash safety on MariaDB'),
    async prepare() {
      const database: TestResource = await createMariadbDatabase('utf8mb4');
      return {
        url: database.url,
        rows: () => withMariadb(async (connection) => (await connection.query('select title, content from blogs'))[0] as Row[], database.name),
        drop: () => database.drop(),
      };
    },
  },
];

async function postJson(url: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie === undefined ? {} : { cookie }) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
}

/** Every blog the list shows, page by page, and the X-Total-Count of its first page. */
async function listAll(url: string): Promise<{ total: number; listed: number[] }> {
  const listed: number[] = [];
  let total = -1;
  for (let page = 1; page <= 100; page += 1) {
    const response = await fetch(`${url}/api/blog/list?page=${page}&pageSize=50`, { signal: AbortSignal.timeout(30_000) });
    const body = (await response.json()) as { errno: number; data: { id: number }[] };
    assert.equal(body.errno, 0);
    if (page === 1) total = Number(response.headers.get('x-total-count'));
    if (body.data.length === 0) break;
    listed.push(...body.data.map((blog) => blog.id));
  }
  return { total, listed };
}

for (const backend of backends) {
  describe(`crash safety on ${backend.name}`, { skip: backend.skip }, () => {
    const root = mkdtempSync(join(tmpdir(), 'blog-crash-'));
    let storage: Awaited<ReturnType<Backend['prepare']>>;
    let env: Record<string, string>;
    let server: ServeProcess | undefined;

    before(async () => {
      storage = await backend.prepare(root);
      env = {
        NODE_ENV: 'production',
        DATABASE_URL: storage.url,
        SESSION_SECRET: 'crash-safety-secret-0123456789abcdef0123456789',
        SESSION_STORE: 'memory',
        LOG_DIR: join(root, 'logs'),
        ACCESS_LOG: 'off',
      };
      const added = await runCli(['user', 'add', 'alice'], { env, input: `${password}\n`, cwd: root });
      assert.equal(added.code, 0, added.stderr);
    });

    after(async () => {
      await server?.stop();
      await storage?.drop();
      rmSync(root, { recursive: true, force: true });
    });

    it(`keeps every acknowledged create of ${creates} concurrent ones through kill -9`, async (t) => {
      const first = await startServeProcess({ cwd: root, env });
      server = first;
      const login = await postJson(`${first.url}/api/user/login`, { username: 'alice', password });
      assert.equal(((await login.json()) as { errno: number }).errno, 0);
      const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';

      const acknowledged = new Map<number, number>();
      let killed = false;
      const kill = () => {
        if (killed) return;
        killed = true;
        process.kill(first.pid, 'SIGKILL');
      };
      const attempts = Array.from({ length: creates }, async (_, index) => {
        try {
          const response = await postJson(`${first.url}/api/blog/new`, { title: titleOf(index), content: contentOf(index) }, cookie);
          const body = (await response.json()) as { errno: number; code?: string; data?: { id: number } };
          if (body.errno === 0 && body.data !== undefined) acknowledged.set(index, body.data.id);
          // A database too slow on this loaded machine answers 503: not acknowledged, and said so.
          else if (body.code !== 'SERVICE_UNAVAILABLE') assert.fail(`create ${index} answered ${JSON.stringify(body)}`);
        } catch (error) {
          // Cut off by the kill: not acknowledged, so it may or may not be there.
          if (!killed) throw error;
        }
        if (acknowledged.size >= killAfter) kill();
      });
      await Promise.all(attempts);
      kill();
      await first.stop();
      assert.ok(acknowledged.size >= killAfter, `${acknowledged.size} creates acknowledged before the kill`);

      const second = await startServeProcess({ cwd: root, env });
      server = second;
      for (const [index, id] of acknowledged) {
        const response = await fetch(`${second.url}/api/blog/detail?id=${id}`, { signal: AbortSignal.timeout(30_000) });
        const body = (await response.json()) as { errno: number; data?: Row };
        assert.equal(body.errno, 0, `acknowledged create ${index} (id ${id}) is missing: ${JSON.stringify(body)}`);
        assert.deepEqual({ title: body.data?.title, content: body.data?.content }, { title: titleOf(index), content: contentOf(index) }, `create ${index} (id ${id})`);
      }

      const rows = await storage.rows();
      for (const row of rows) {
        const index = Number(/^crash (\d+)$/.exec(row.title)?.[1]);
        assert.ok(Number.isInteger(index), `a row no create wrote: ${JSON.stringify(row.title)}`);
        assert.equal(row.content, contentOf(index), `the row of create ${index} is whole`);
      }
      const { total, listed } = await listAll(second.url);
      assert.equal(total, rows.length, 'X-Total-Count equals the rows in the database');
      assert.equal(listed.length, rows.length, 'the list pages through every row');
      assert.equal(new Set(listed).size, listed.length, 'no row listed twice');
      t.diagnostic(`${acknowledged.size} of ${creates} creates acknowledged before kill -9; ${rows.length} rows after the restart`);
    });
  });
}
