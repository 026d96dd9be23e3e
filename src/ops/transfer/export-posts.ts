/**
 * `export`: every post as a file people can read, from one consistent snapshot. Markdown: `<id>.md`,
 * YAML front matter (id, title, author, created, updated as ISO 8601 UTC, the millisecond times,
 * status and format), then the post: its Markdown source for a Markdown post, else its HTML content.
 * JSON: `<id>.json`, one object per post (content and source). One file at a time: memory stays bounded.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Storage } from '../../storage/storage.ts';
import { withSnapshot } from '../../storage/transfer/snapshot.ts';
import type { DataRow } from '../../storage/transfer/blog-data.ts';
import { batchSize } from './batch.ts';
import type { Progress } from './progress.ts';

export type ExportFormat = 'json' | 'markdown';

const shape = { name: 'blogs', columns: ['id', 'title', 'author', 'createtime', 'updatetime', 'status', 'format', 'content', 'source'] } as const;

interface Post {
  id: number;
  title: string;
  author: string;
  created: string;
  updated: string | null;
  createtime: number;
  updatetime: number | null;
  status: string;
  format: string;
  content: string;
  source: string | null;
}

function postOf(row: DataRow): Post {
  const [id, title, author, createtime, updatetime, status, format, content, source] = row;
  if (typeof id !== 'number' || typeof title !== 'string' || typeof author !== 'string' || typeof createtime !== 'number' || typeof content !== 'string'
    || typeof updatetime === 'string' || typeof status !== 'string' || typeof format !== 'string' || typeof source === 'number') {
    throw new Error(`blog ${String(id)}: unexpected column types`);
  }
  const iso = (time: number) => new Date(time).toISOString();
  return {
    id, title, author, created: iso(createtime), updated: updatetime === null || updatetime === undefined ? null : iso(updatetime), createtime, updatetime: updatetime ?? null,
    status, format, content, source: source ?? null,
  };
}

function render(post: Post, format: ExportFormat): string {
  if (format === 'json') return `${JSON.stringify(post, null, 2)}\n`;
  const { content, source, ...front } = post;
  return `---\n${stringify(front)}---\n\n${post.format === 'markdown' && source !== null ? source : content}\n`;
}

/** Writes every post into `dir` (which exists); resolves how many. */
export async function exportPosts(storage: Storage, dir: string, format: ExportFormat, progress: Progress): Promise<number> {
  try {
    return await withSnapshot(storage, async (reader) => {
      progress.stage('exporting', 'blogs', await reader.count('blogs'));
      let written = 0;
      for await (const rows of reader.rows(shape, batchSize)) {
        for (const row of rows) {
          const post = postOf(row);
          await writeFile(join(dir, `${post.id}.${format === 'json' ? 'json' : 'md'}`), render(post, format));
          written += 1;
        }
        progress.advance(rows.length);
      }
      return written;
    });
  } finally {
    progress.done();
  }
}
