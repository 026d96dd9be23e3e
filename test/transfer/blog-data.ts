/** Test helpers of the backup tests: a blog written straight into a database, and every row read back. */
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import { openStorage, type Storage } from '../../src/storage/storage.ts';

export const storageOptions = { poolSize: 2, sqliteBusyTimeoutMs: 5_000 };

export async function withStorage<T>(url: string, work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = openStorage(url, storageOptions);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

export interface AllRows {
  users: { id: number; username: string; password: string; realname: string }[];
  blogs: { id: number; title: string; content: string; createtime: number; author: string; updatetime: number | null; status: string; format: string; source: string | null }[];
  revisions: { id: number; blog_id: number; author: string; title: string; content: string; source: string | null; format: string; kind: string; createtime: number }[];
}

/** Every user, blog and revision, in id order, with numbers as numbers whatever the driver returned. */
export function readAll(url: string): Promise<AllRows> {
  return withStorage(url, async ({ db }) => {
    const users = await db.selectFrom('users').select(['id', 'username', 'password', 'realname']).orderBy('id').execute();
    const blogs = await db.selectFrom('blogs').select(['id', 'title', 'content', 'createtime', 'author', 'updatetime', 'status', 'format', 'source']).orderBy('id').execute();
    const revisions = await db.selectFrom('blog_revisions').select(['id', 'blog_id', 'author', 'title', 'content', 'source', 'format', 'kind', 'createtime']).orderBy('id').execute();
    return {
      users: users.map((user) => ({ ...user, id: Number(user.id) })),
      blogs: blogs.map((blog) => ({ ...blog, id: Number(blog.id), createtime: Number(blog.createtime), updatetime: blog.updatetime === null ? null : Number(blog.updatetime) })),
      revisions: revisions.map((revision) => ({ ...revision, id: Number(revision.id), blog_id: Number(revision.blog_id), createtime: Number(revision.createtime) })),
    };
  });
}

/** The blogs public now, as anonymous lists and X-Total-Count show them. */
export function publicBlogs(rows: AllRows): AllRows['blogs'] {
  return rows.blogs.filter((blog) => blog.status === 'published' && blog.createtime <= Date.now());
}

/** The counts of migration 003, as `X-Total-Count` reads them. */
export function readCounts(url: string): Promise<{ total: number; perAuthor: Record<string, number> }> {
  return withStorage(url, async ({ db }) => {
    const total = await db.selectFrom('blog_total').select('n').where('id', '=', 1).executeTakeFirst();
    const rows = await db.selectFrom('blog_counts').select(['author', 'n']).where('n', '>', 0).orderBy('author').execute();
    return { total: Number(total?.n ?? -1), perAuthor: Object.fromEntries(rows.map((row) => [row.author, Number(row.n)])) };
  });
}

/** Texts that trip encodings: CJK, emoji (4-byte UTF-8), quotes, backslashes, newlines. */
export const awkwardTexts = ['你好，世界', '😀 emoji 🎉 𝄞', `quote ' and " and \\ backslash`, 'line one\nline two\r\n\ttab', '<script>alert(1)</script>&amp;'];

/**
 * A migrated database holding `users` users and `blogs` blogs (a few deleted, so ids have gaps; some
 * drafts, some Markdown, some with revisions), written straight through the repositories; passwords
 * are a fixed (unusable) scrypt-shaped text.
 */
export async function seedDirectly(url: string, counts: { users: number; blogs: number }): Promise<void> {
  await withStorage(url, async (storage) => {
    await storage.migrate();
    for (let index = 0; index < counts.users; index += 1) {
      await storage.users.insert({ username: `user${index}`, password: `$scrypt$ln=14,r=8,p=1$c2FsdA$${'k'.repeat(43)}${index}`, realname: `用户 ${index} 😀` });
    }
    for (let index = 0; index < counts.blogs; index += 1) {
      const text = awkwardTexts[index % awkwardTexts.length] ?? '';
      const author = `user${index % Math.max(1, counts.users)}`;
      const markdown = index % 4 === 2 ? { format: 'markdown' as const, source: `# ${text}\n\n*${index}*` } : {};
      const id = await storage.blogs.insert({
        title: `${index} ${text}`.slice(0, 200), content: `${text}\n${'内容 '.repeat(index % 7)}`, author, createtime: 1_700_000_000_000 + index * 1_000,
        ...(index % 4 === 1 ? { status: 'draft' as const } : {}), ...markdown,
      });
      if (index % 3 === 0) await storage.db.updateTable('blogs').set({ updatetime: 1_800_000_000_000 + index }).where('id', '=', id).execute();
      if (index % 5 === 0) {
        await storage.db.insertInto('blog_revisions').values({
          blog_id: id, author, title: `旧 ${text}`.slice(0, 200), content: `<p>${text}</p>`, source: index % 2 === 0 ? `旧 *${text}*` : null,
          format: index % 2 === 0 ? 'markdown' : 'html', kind: index % 3 === 0 ? 'autosave' : 'save', createtime: 1_750_000_000_000 + index,
        }).execute();
      }
    }
    // Gaps, and the largest id gone: the next id must still follow the largest kept one.
    await sql`delete from blogs where id % 10 = 5`.execute(storage.db);
    const largest = await storage.db.selectFrom('blogs').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    if (largest?.id !== undefined && largest.id !== null) await storage.db.deleteFrom('blogs').where('id', '=', Number(largest.id)).execute();
  });
}

/** The lines of a backup file, to tamper with it in tests. */
export function backupLines(path: string): string[] {
  return gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter((line) => line !== '');
}

export function writeBackupLines(path: string, lines: readonly string[]): void {
  writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
}
