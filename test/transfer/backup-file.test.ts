/**
 * `backup`, `restore` and `export` on SQLite through the real CLI: the file is complete or refused,
 * a refused restore changes nothing, `--keep` rotates, a killed backup leaves no complete-looking file.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { SqliteSessionStore } from '../../src/sessions/sqlite-store.ts';
import { migrationsFor } from '../../src/storage/migrations/index.ts';
import { cliEntry, runCli } from '../helpers/cli.ts';
import { backupLines, readAll, readCounts, seedDirectly, withStorage, writeBackupLines, type AllRows } from './blog-data.ts';

/** The schema a backup of this blog-server carries: its newest migration. */
const latestSchema = Object.keys(migrationsFor('sqlite')).at(-1) ?? '';

describe('backup files (SQLite, through the CLI)', () => {
  let dir: string;
  let source: string;
  let backup: string;
  let sourceRows: AllRows;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'blog-backup-test-'));
    source = join(dir, 'source.db');
    await seedDirectly(source, { users: 3, blogs: 40 });
    sourceRows = await readAll(source);
    backup = join(dir, 'one.jsonl.gz');
    const result = await runCli(['backup', '--out', backup], { env: { DATABASE_URL: source } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`backed up 3 users and \\d+ blogs \\(schema ${latestSchema}\\) to .*one\\.jsonl\\.gz`));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a manifest: versions, time, row counts and checksums, and no session or derived table', () => {
    const lines = backupLines(backup);
    const header = JSON.parse(lines[0] ?? '') as { format: string; blogServerVersion: string; schemaVersion: string; createdAt: string; tables: { name: string; rows: number }[] };
    assert.equal(header.format, 'blog-server-backup');
    assert.equal(header.blogServerVersion, (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version);
    assert.equal(header.schemaVersion, latestSchema);
    assert.ok(Math.abs(Date.parse(header.createdAt) - Date.now()) < 600_000);
    assert.ok(sourceRows.revisions.length > 0 && sourceRows.blogs.some((blog) => blog.status === 'draft') && sourceRows.blogs.some((blog) => blog.format === 'markdown'));
    assert.deepEqual(header.tables.map((table) => [table.name, table.rows]), [['users', 3], ['blogs', sourceRows.blogs.length], ['blog_revisions', sourceRows.revisions.length]]);
    const trailer = JSON.parse(lines.at(-1) ?? '') as { end: boolean; tables: Record<string, { rows: number; sha256: string }> };
    assert.equal(trailer.end, true);
    assert.equal(trailer.tables.blogs?.rows, sourceRows.blogs.length);
    assert.match(trailer.tables.users?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.ok(!lines.some((line) => /"table":"(sessions|blog_counts|blog_total)"/.test(line)));
  });

  it('restores into an empty database: every row equal, counts and the next id right', async () => {
    const target = join(dir, 'restored.db');
    const result = await runCli(['restore', backup], { env: { DATABASE_URL: target } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /restored 3 users and \d+ blogs .* into .*restored\.db/);
    assert.deepEqual(await readAll(target), sourceRows);
    // The counters hold published posts (migration 005).
    const published = sourceRows.blogs.filter((blog) => blog.status === 'published');
    const perAuthor: Record<string, number> = {};
    for (const blog of published) perAuthor[blog.author] = (perAuthor[blog.author] ?? 0) + 1;
    assert.deepEqual(await readCounts(target), { total: published.length, perAuthor });
    const maxId = Math.max(...sourceRows.blogs.map((blog) => blog.id));
    const next = await withStorage(target, (storage) => storage.blogs.insert({ title: 't', content: 'c', author: 'user0', createtime: 1 }));
    assert.equal(next, maxId + 1);
  });

  it('restores a backup of an older schema into the current one, the newer columns taking their defaults', async () => {
    // As a blog-server before migration 002 (which added blogs.updatetime) would have written it:
    // blogs without updatetime, status, format and source (005), and no blog_revisions.
    const lines = backupLines(backup);
    const header = JSON.parse(lines[0] ?? '') as { schemaVersion: string; tables: { name: string; columns: string[] }[] };
    header.schemaVersion = '2026-11-25-001-course-tables';
    const blogs = header.tables.find((table) => table.name === 'blogs');
    assert.ok(blogs);
    const later = ['updatetime', 'status', 'format', 'source'];
    const kept = blogs.columns.flatMap((column, index) => (later.includes(column) ? [] : [index]));
    blogs.columns = blogs.columns.filter((column) => !later.includes(column));
    header.tables = header.tables.filter((table) => table.name !== 'blog_revisions');
    const start = lines.indexOf('{"table":"blogs"}');
    const end = lines.indexOf('{"table":"blog_revisions"}');
    const rows = lines.slice(start + 1, end).map((line) => JSON.stringify(kept.map((index) => (JSON.parse(line) as unknown[])[index])));
    const trailer = JSON.parse(lines.at(-1) ?? '') as { tables: Record<string, { rows: number; sha256: string }> };
    trailer.tables.blogs = { rows: rows.length, sha256: createHash('sha256').update(rows.map((row) => `${row}\n`).join('')).digest('hex') };
    delete trailer.tables.blog_revisions;
    const old = join(dir, 'old-schema.jsonl.gz');
    writeBackupLines(old, [JSON.stringify(header), ...lines.slice(1, start + 1), ...rows, JSON.stringify(trailer)]);
    const target = join(dir, 'from-old.db');
    const result = await runCli(['restore', old], { env: { DATABASE_URL: target } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /schema 2026-11-25-001-course-tables/);
    assert.deepEqual(await readAll(target), {
      ...sourceRows,
      blogs: sourceRows.blogs.map((blog) => ({ ...blog, updatetime: null, status: 'published', format: 'html', source: null })),
      revisions: [],
    });
    assert.equal((await readCounts(target)).total, sourceRows.blogs.length, 'every post of the older schema is published');
  });

  describe('a target that is not empty', () => {
    let target: string;
    let original: AllRows;

    before(async () => {
      target = join(dir, 'busy.db');
      await seedDirectly(target, { users: 1, blogs: 4 });
      original = await readAll(target);
    });

    it('is refused without --force, and without --yes when there is no terminal to ask', async () => {
      const plain = await runCli(['restore', backup], { env: { DATABASE_URL: target } });
      assert.equal(plain.code, 2);
      assert.match(plain.stderr, /holds 1 user and 3 blogs; pass --force to replace them/);
      const forced = await runCli(['restore', backup, '--force'], { env: { DATABASE_URL: target } });
      assert.equal(forced.code, 1);
      assert.match(forced.stderr, /no terminal to ask, pass --yes to confirm/);
      assert.deepEqual(await readAll(target), original);
    });

    const damaged: [string, (path: string) => void, RegExp][] = [
      ['cut short', (path) => writeFileSync(path, readFileSync(backup).subarray(0, Math.floor(statSync(backup).size / 2))), /not an intact gzip file .*cut short/],
      ['a flipped byte', (path) => {
        const bytes = Buffer.from(readFileSync(backup));
        const at = Math.floor(bytes.length / 2);
        bytes[at] = (bytes[at] ?? 0) ^ 0xff;
        writeFileSync(path, bytes);
      }, /damaged/],
      ['a row changed and gzipped again', (path) => {
        const lines = backupLines(backup);
        const index = lines.findIndex((line) => line.includes('你好'));
        writeBackupLines(path, lines.map((line, at) => (at === index ? line.replace('你好', '您好') : line)));
      }, /does not match its manifest: blogs's checksum differs/],
      ['its trailer gone', (path) => writeBackupLines(path, backupLines(backup).slice(0, -1)), /without its trailer: cut short/],
      ['a row gone', (path) => {
        const lines = backupLines(backup);
        writeBackupLines(path, [...lines.slice(0, -2), ...lines.slice(-1)]);
      }, /blog_revisions has \d+ rows instead of \d+/],
      ['a newer schema', (path) => {
        const lines = backupLines(backup);
        writeBackupLines(path, [(lines[0] ?? '').replace(latestSchema, '2099-01-01-999-future'), ...lines.slice(1)]);
      }, new RegExp(`schema 2099-01-01-999-future is newer than this blog-server knows \\(latest ${latestSchema}\\)`)],
      ['not a backup', (path) => writeFileSync(path, 'hello'), /not an intact gzip file/],
    ];
    for (const [what, damage, message] of damaged) {
      it(`refuses a backup with ${what}, even with --force --yes, and changes nothing`, async () => {
        const path = join(dir, `damaged-${what.replaceAll(/\W+/g, '-')}.jsonl.gz`);
        damage(path);
        const result = await runCli(['restore', path, '--force', '--yes'], { env: { DATABASE_URL: target } });
        assert.equal(result.code, 1, result.stdout);
        assert.match(result.stderr, message);
        assert.deepEqual(await readAll(target), original);
      });
    }

    it('is replaced with --force --yes, and every session in the configured store ends', async () => {
      // The users the sessions name are gone or someone else now: a session trusts its id and name.
      const sessionsFile = join(dir, 'sessions.db');
      const openSessions = () => new SqliteSessionStore({ path: sessionsFile, busyTimeoutMs: 1_000, purgeIntervalMs: 60_000, log: { warn: () => {} } });
      const before = openSessions();
      await before.set('old-1', { userId: 1, username: 'zhangsan', realname: '张三' }, 600);
      await before.set('old-2', { userId: 2, username: 'lisi', realname: '李四' }, 600);
      await before.close();
      const result = await runCli(['restore', backup, '--force', '--yes'], { env: { DATABASE_URL: target, SESSION_DB: sessionsFile } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /replacing what it held/);
      assert.match(result.stdout, /ended 2 sessions in the sqlite session store/);
      assert.deepEqual(await readAll(target), sourceRows);
      const after = openSessions();
      try {
        assert.equal(await after.get('old-1'), undefined);
        assert.equal(await after.get('old-2'), undefined);
      } finally {
        await after.close();
      }
    });

    it('with SESSION_STORE=memory, says the running server must be restarted', async () => {
      const result = await runCli(['restore', backup, '--force', '--yes'], { env: { DATABASE_URL: target, SESSION_STORE: 'memory' } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /SESSION_STORE=memory .* restart it/);
    });
  });

  it('--dir with --keep N keeps exactly the N newest backups', async () => {
    const folder = join(dir, 'rotated');
    const made: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const result = await runCli(['backup', '--dir', folder, '--keep', '2'], { env: { DATABASE_URL: source } });
      assert.equal(result.code, 0, result.stderr);
      const path = /to (\S+blog-backup-\S+\.jsonl\.gz)/.exec(result.stdout)?.[1];
      assert.ok(path, result.stdout);
      made.push(path);
      assert.equal(readdirSync(folder).length, Math.min(round + 1, 2));
    }
    assert.deepEqual(readdirSync(folder).sort(), made.slice(-2).map((path) => path.split('/').pop()));
    const bad = await runCli(['backup', '--dir', folder, '--keep', '0'], { env: { DATABASE_URL: source } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--keep: expected a whole number from 1/);
  });

  it('asks before replacing an --out file: refused without a terminal, replaced with --yes', async () => {
    const again = await runCli(['backup', '--out', backup], { env: { DATABASE_URL: source } });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /this would overwrite .*one\.jsonl\.gz; there is no terminal to ask, pass --yes/);
    const yes = await runCli(['backup', '--out', backup, '--yes'], { env: { DATABASE_URL: source } });
    assert.equal(yes.code, 0, yes.stderr);
    const missing = join(dir, 'mistyped.db');
    const typo = await runCli(['backup', '--out', join(dir, 'three.jsonl.gz')], { env: { DATABASE_URL: missing } });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /DATABASE_URL .*mistyped\.db does not exist/);
    assert.equal(existsSync(missing), false);
  });

  it('a backup killed mid-way leaves no complete-looking file, only a .partial one restore refuses', async () => {
    const big = join(dir, 'big.db');
    await seedDirectly(big, { users: 1, blogs: 0 });
    const database = new SqliteDatabase(big);
    const insert = database.prepare('insert into blogs (title, content, createtime, author) values (?, ?, ?, ?)');
    // Incompressible content: gzip takes seconds, which is the window to kill it in.
    database.transaction(() => {
      for (let index = 0; index < 30_000; index += 1) insert.run(`t${index}`, randomText(index), index, 'user0');
    })();
    database.close();
    const folder = join(dir, 'killed');
    const out = join(folder, 'killed.jsonl.gz');
    mkdirSync(folder);
    const child = spawn(process.execPath, [cliEntry, 'backup', '--out', out], { env: { ...process.env, DATABASE_URL: big }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    let partial: string | undefined;
    while (partial === undefined && Date.now() < deadline && child.exitCode === null) {
      partial = readdirSync(folder).find((name) => name.includes('.partial-') && statSync(join(folder, name)).size > 0);
      if (partial === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(partial, 'the backup wrote no .partial file before it ended');
    child.kill('SIGKILL');
    assert.equal(await exited, null, 'killed before it finished');
    assert.deepEqual(readdirSync(folder).filter((name) => !name.includes('.partial-')), []);
    const result = await runCli(['restore', join(folder, partial)], { env: { DATABASE_URL: join(dir, 'from-partial.db') } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cut short/);
    // Refused before the database was even opened.
    assert.equal(existsSync(join(dir, 'from-partial.db')), false);
  });

  it('export writes every post as Markdown with front matter, or as JSON', async () => {
    for (const format of ['markdown', 'json'] as const) {
      const folder = join(dir, `export-${format}`);
      const result = await runCli(['export', '--format', format, folder], { env: { DATABASE_URL: source } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`exported ${sourceRows.blogs.length} posts as ${format}`));
      const files = readdirSync(folder).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
      assert.equal(files.length, sourceRows.blogs.length);
      const posts = files.map((name) => {
        const text = readFileSync(join(folder, name), 'utf8');
        if (format === 'json') return JSON.parse(text) as Record<string, unknown>;
        const match = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)\n$/.exec(text);
        assert.ok(match, `${name} has no front matter`);
        return { ...(parseYaml(match[1] ?? '') as Record<string, unknown>), body: match[2] };
      });
      assert.deepEqual(posts, sourceRows.blogs.map((blog) => ({
        id: blog.id,
        title: blog.title,
        author: blog.author,
        created: new Date(blog.createtime).toISOString(),
        updated: blog.updatetime === null ? null : new Date(blog.updatetime).toISOString(),
        createtime: blog.createtime,
        updatetime: blog.updatetime,
        status: blog.status,
        format: blog.format,
        // Markdown files hold a Markdown post's source; JSON holds both.
        ...(format === 'json' ? { content: blog.content, source: blog.source } : { body: blog.format === 'markdown' ? blog.source : blog.content }),
      })));
    }
    const again = await runCli(['export', join(dir, 'export-json')], { env: { DATABASE_URL: source } });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /pass --yes/);
    assert.ok(existsSync(join(dir, 'export-json')));
  });
});

/** 2 kB that gzip cannot shrink much. */
function randomText(seed: number): string {
  let state = seed * 2_654_435_761 + 1;
  let text = '';
  while (text.length < 2_000) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += state.toString(36);
  }
  return text;
}
