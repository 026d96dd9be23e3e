import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { after, describe, it } from 'node:test';
import type { Blog } from '../../src/core/ports.ts';
import { sqlitePathOf } from '../../src/storage/connect.ts';
import { maskUrl } from '../../src/connections/mask-url.ts';
import { openStorage } from '../../src/storage/storage.ts';
import { migrationsFor } from '../../src/storage/migrations/index.ts';
import { runCli } from '../helpers/cli.ts';

const directory = mkdtempSync(join(tmpdir(), 'blog-server-storage-'));
after(() => rmSync(directory, { recursive: true, force: true }));
const options = { poolSize: 1, sqliteBusyTimeoutMs: 5_000 };

describe('SQLite storage', () => {
  it('reads every form of a SQLite DATABASE_URL', () => {
    assert.equal(sqlitePathOf('/tmp/x/blog.db'), '/tmp/x/blog.db');
    assert.equal(sqlitePathOf('sqlite:///tmp/x/blog.db'), '/tmp/x/blog.db');
    assert.equal(sqlitePathOf('sqlite::memory:'), ':memory:');
    assert.equal(sqlitePathOf('sqlite:data/blog.db'), join(process.cwd(), 'data/blog.db'));
    assert.equal(sqlitePathOf('mysql://root@127.0.0.1/test'), undefined);
    assert.equal(maskUrl('mysql://root:hunter2@db:3306/blog'), 'mysql://root:***@db:3306/blog');
  });

  it('refuses an unknown scheme with a message naming DATABASE_URL', () => {
    assert.throws(() => openStorage('oracle://scott:tiger@db/orcl', options), /DATABASE_URL: unsupported scheme "oracle:".*scott:\*\*\*@/);
  });

  it('creates the file and its folder, and migrates once', async () => {
    const storage = openStorage(join(directory, 'new', 'deep', 'blog.db'), options);
    assert.equal((await storage.migrate()).length, Object.keys(migrationsFor('sqlite')).length);
    assert.deepEqual(await storage.migrate(), []);
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(storage.db);
    assert.equal(rows[0]?.journal_mode, 'wal');
    // Every acknowledged write survives a power cut; the search index's B-trees get a real page cache.
    assert.equal((await sql<{ synchronous: number }>`pragma synchronous`.execute(storage.db)).rows[0]?.synchronous, 2);
    assert.equal((await sql<{ cache_size: number }>`pragma cache_size`.execute(storage.db)).rows[0]?.cache_size, -65_536);
    await storage.close();
  });

  it('migrates safely from several processes at once (migration lock)', async () => {
    const path = join(directory, 'concurrent.db');
    const outputs = await Promise.all([1, 2, 3].map(() => runCli(['migrate', '--database', path])));
    for (const output of outputs) assert.equal(output.code, 0, output.stderr);
    const applied = outputs.map((output) => output.stdout).join('\n').match(/2026-11-25-\d{3}-[a-z-]+/g) ?? [];
    assert.equal(applied.length, 3, 'each migration ran exactly once');
    const storage = openStorage(path, options);
    assert.deepEqual(await storage.migrate(), []);
    await storage.close();
  });

  it('orders newest first with the id breaking ties, and counts with triggers even for outside writes', async () => {
    const path = join(directory, 'order.db');
    const storage = openStorage(path, options);
    await storage.migrate();
    const ids = [];
    for (const title of ['a', 'b', 'c']) ids.push(await storage.blogs.insert({ title, content: '', author: 'w', createtime: 1000 }));
    await storage.blogs.insert({ title: 'old', content: '', author: 'v', createtime: 10 });
    const page = await storage.blogs.list({}, 2, 0);
    assert.deepEqual(page.blogs.map((blog) => blog.title), ['c', 'b']);
    assert.equal(page.total, 4);

    // Another program writing the table directly keeps the counts right.
    const outside = new SqliteDatabase(path);
    outside.prepare('insert into blogs (title, content, createtime, author) values (?, ?, ?, ?)').run('x', '', 5, 'w');
    outside.prepare('delete from blogs where id = ?').run(ids[0]);
    outside.prepare('update blogs set author = ? where id = ?').run('v', ids[1]);
    outside.close();
    assert.equal((await storage.blogs.list({}, 1, 0)).total, 4);
    assert.equal((await storage.blogs.list({ author: 'w' }, 1, 0)).total, 2);
    assert.equal((await storage.blogs.list({ author: 'v' }, 1, 0)).total, 2);
    assert.equal((await storage.blogs.list({ author: 'nobody' }, 1, 0)).total, 0);
    await storage.close();
  });

  it('updates and deletes only the owner\'s rows', async () => {
    const storage = openStorage(join(directory, 'owner.db'), options);
    await storage.migrate();
    const id = await storage.blogs.insert({ title: 't', content: 'c', author: 'owner', createtime: 1 });
    const policy = { time: 2, kept: 50 };
    const save = (title: string) => (current: Blog) => ({ ...current, title, updatetime: 2 });
    assert.equal(await storage.blogs.updateOwn(id, 'thief', save('x'), policy), false);
    assert.equal(await storage.blogs.deleteOwn(id, 'thief'), false);
    assert.equal(await storage.blogs.updateOwn(id, 'owner', save('new'), policy), true);
    assert.deepEqual(await storage.blogs.findById(id), {
      id, title: 'new', content: 'c', createtime: 1, author: 'owner', updatetime: 2, status: 'published', publishtime: 1, format: 'html', source: null,
    });
    assert.deepEqual((await storage.blogs.revisionsOwn(id, 'owner'))?.map((revision) => revision.title), ['t']);
    assert.equal(await storage.blogs.deleteOwn(id, 'owner'), true);
    assert.equal(await storage.blogs.findById(id), undefined);
    await storage.close();
  });

  it('refuses a second user with the same name', async () => {
    const storage = openStorage(join(directory, 'unique.db'), options);
    await storage.migrate();
    await storage.users.insert({ username: 'same', password: 'x', realname: '' });
    await assert.rejects(storage.users.insert({ username: 'same', password: 'y', realname: '' }), /UNIQUE/);
    await storage.close();
  });
});
