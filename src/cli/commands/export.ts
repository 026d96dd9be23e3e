/** `blog-server export --format json|markdown DIR`: every post as a readable file. */
import { mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { confirmOverwrite } from '../confirm.ts';
import { commandHelp } from '../help-text.ts';
import { requireExistingSource, rows, seconds, withStorages } from '../transfer-support.ts';
import { UsageError, type Command } from './command.ts';

const formats = ['markdown', 'json'] as const;
type Format = (typeof formats)[number];
const isFormat = (value: string): value is Format => (formats as readonly string[]).includes(value);

export const exportCommand: Command = {
  summary: { 'export <folder>': 'write every post as a Markdown (front matter) or JSON file' },
  usage: ['export --format markdown|json <folder> [options]'],
  settings: ['DATABASE_URL'],
  options: {
    format: { type: 'string', value: 'format', description: 'markdown (<id>.md with YAML front matter) or json (<id>.json), default markdown' },
    yes: { type: 'boolean', description: 'write into a folder that already holds files without asking' },
  },
  about: 'Front matter / fields: id, title, author, created and updated (ISO 8601, UTC), createtime and\nupdatetime (ms since the epoch as stored); then the content. Read from one consistent snapshot.',
  async run({ args, options, config: configure }) {
    const [folder, ...rest] = args;
    if (folder === undefined || rest.length > 0) throw new UsageError(commandHelp(exportCommand));
    const format = typeof options.format === 'string' ? options.format : 'markdown';
    if (!isFormat(format)) throw new UsageError(`blog-server: --format: expected markdown or json, got "${format}"`);
    const config = configure();
    await requireExistingSource(config.databaseUrl, 'DATABASE_URL');
    const dir = resolve(folder);
    mkdirSync(dir, { recursive: true });
    if (readdirSync(dir).length > 0) await confirmOverwrite(`files in ${dir}`, options.yes === true);
    const { exportPosts } = await import('../../ops/transfer/export-posts.ts');
    const { terminalProgress } = await import('../../ops/transfer/progress.ts');
    const started = performance.now();
    const written = await withStorages([config.databaseUrl], async ([storage]) => {
      if (!storage) throw new Error('no storage opened');
      return exportPosts(storage, dir, format, terminalProgress());
    });
    console.log(`blog-server: exported ${rows(written, 'post')} as ${format} into ${dir} (${seconds(started)})`);
  },
};
