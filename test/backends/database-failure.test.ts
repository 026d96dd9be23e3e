/**
 * A database lost while the server runs, through a TCP proxy the test controls: requests that need it
 * answer 503 with the envelope within a bounded time, every write acknowledged before the cut is in
 * the database after it, and the server recovers by itself when the database returns.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { Client, assertEnvelope, assertServiceUnavailable } from '../helpers/client.ts';
import { createMariadbDatabase, createPostgresDatabase, serviceAddress, skipUnless, withMariadb, withPostgres, type TestResource } from '../helpers/databases.ts';
import { eventually, timed } from '../helpers/eventually.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

/** Deadlines given to the server through DATABASE_URL, and the slack a loaded 2-core machine needs. */
const connectTimeoutMs = 1_000;
const queryTimeoutMs = 1_500;
const slackMs = 2_500;

/** Reads that need the database answer 503 within `boundMs`. */
async function assertReadsUnavailableWithin(client: Client, boundMs: number): Promise<void> {
  for (const path of ['/api/blog/list', '/api/blog/detail?id=1']) {
    const { value: reply, ms } = await timed(() => client.get(path), boundMs);
    assertServiceUnavailable(reply);
    assert.ok(ms < boundMs, `${path} answered in ${Math.round(ms)} ms`);
  }
}

interface Backend {
  name: 'mariadb' | 'postgres';
  create(): Promise<TestResource>;
  /** Ids of `ids` present in the table `blogs`, read directly (not through the server or the proxy). */
  presentIds(database: string, ids: number[]): Promise<number[]>;
  countBlogs(database: string): Promise<number>;
}

const backends: Backend[] = [
  {
    name: 'mariadb',
    create: () => createMariadbDatabase('utf8mb4'),
    presentIds: (database, ids) => withMariadb(async (connection) => {
      const [rows] = await connection.query('select id from blogs where id in (?)', [ids]);
      return (rows as { id: number }[]).map((row) => row.id);
    }, database),
    countBlogs: (database) => withMariadb(async (connection) => {
      const [rows] = await connection.query('select count(*) as n from blogs');
      return Number((rows as { n: number }[])[0]?.n);
    }, database),
  },
  {
    name: 'postgres',
    create: createPostgresDatabase,
    presentIds: (database, ids) => withPostgres(async (client) => (await client.query<{ id: number }>('select id from blogs where id = any($1)', [ids])).rows.map((row) => Number(row.id)), database),
    countBlogs: (database) => withPostgres(async (client) => Number((await client.query<{ n: string }>('select count(*) as n from blogs')).rows[0]?.n), database),
  },
];

for (const backend of backends) {
  describe(`${backend.name} lost while the server runs`, { skip: skipUnless([backend.name], `the ${backend.name} failure tests`) }, () => {
    let database: TestResource | undefined;
    let proxy: TcpProxy | undefined;
    let server: TestServer | undefined;
    const url = () => {
      assert.ok(server);
      return server.url;
    };

    before(async () => {
      database = await backend.create();
      proxy = await TcpProxy.start(serviceAddress(backend.name));
      const databaseUrl = new URL(proxy.route(database.url));
      databaseUrl.searchParams.set('connectTimeout', String(connectTimeoutMs));
      databaseUrl.searchParams.set('queryTimeout', String(queryTimeoutMs));
      server = await startTestServer({ databaseUrl: databaseUrl.toString(), sessionStore: 'memory', expectedLogs: [/^SERVICE_UNAVAILABLE:$/] });
    });
    after(async () => {
      // The proxy and the database go even when closing the server fails (it throws on an unexpected log line).
      try {
        await server?.close();
      } finally {
        await proxy?.close();
        await database?.drop();
      }
    });

    it('cut mid-run: 503s at once, no acknowledged write lost, recovery by itself', async () => {
      assert.ok(proxy && database);
      const writer = new Client(url());
      await writer.login('zhangsan');
      const acknowledged: number[] = [];
      let refused = 0;
      let writing = true;
      const writes = (async () => {
        for (let index = 0; writing && index < 1_000; index += 1) {
          const reply = await writer.post('/api/blog/new', { title: `写入 ${index} 😀`, content: '内容' });
          if (reply.status === 200) {
            acknowledged.push((assertEnvelope(reply, 200, 0).data as { id: number }).id);
          } else {
            assertServiceUnavailable(reply);
            refused += 1;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      })();
      try {
        await eventually(() => acknowledged.length >= 10, 20_000, 'ten writes acknowledged before the cut');
        proxy.cut();

        await assertReadsUnavailableWithin(new Client(url()), connectTimeoutMs + slackMs);
        await eventually(() => refused >= 3, 10_000, 'the writer is refused with 503 while the database is away');
      } finally {
        writing = false;
        await writes;
      }

      await proxy.restore();
      const anonymous = new Client(url());
      await eventually(async () => (await anonymous.get('/api/blog/list')).status === 200, 15_000, 'reads work again');
      const present = await backend.presentIds(database.name, acknowledged);
      assert.deepEqual([...present].sort((a, b) => a - b), [...acknowledged].sort((a, b) => a - b), 'every acknowledged write is in the database');

      // Writes work again on the same session, and the trigger-kept count agrees with the table.
      assertEnvelope(await writer.post('/api/blog/new', { title: '恢复之后', content: 'c' }), 200, 0);
      const total = Number((await anonymous.get('/api/blog/list?pageSize=1')).headers.get('x-total-count'));
      assert.equal(total, await backend.countBlogs(database.name));
    });

    it('hung (frozen): 503 within the query deadline, then recovery by itself', async () => {
      assert.ok(proxy);
      const anonymous = new Client(url());
      assertEnvelope(await anonymous.get('/api/blog/list'), 200, 0);
      proxy.freeze();
      try {
        await assertReadsUnavailableWithin(anonymous, queryTimeoutMs + slackMs);
      } finally {
        await proxy.restore();
      }
      await eventually(async () => (await anonymous.get('/api/blog/list')).status === 200, 15_000, 'reads work again');
      // The search entries of the writes before (their build failed while the database was away) follow.
      const { search } = (server ?? assert.fail('server')).app.storage;
      await eventually(async () => (await search.pendingCount()) === 0, 20_000, 'the queued blogs indexed once the database answers');
    });
  });
}
