/** `blog-server backup --out FILE | --dir DIR [--keep N]`: a consistent backup while the server runs. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { bytes } from '../../log-analysis/format.ts';
import { confirmOverwrite } from '../confirm.ts';
import { commandHelp } from '../help-text.ts';
import { describeTables, requireExistingSource, seconds, withStorages } from '../transfer-support.ts';
import { UsageError, type Command } from './command.ts';

const MAX_KEEP = 10_000;

function keepOption(value: string | boolean | readonly string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const keep = Number(value);
  if (!/^\d+$/.test(value) || keep < 1 || keep > MAX_KEEP) throw new UsageError(`blog-server: --keep: expected a whole number from 1 to ${MAX_KEEP}, got "${value}"`);
  return keep;
}

export const backupCommand: Command = {
  summary: { backup: 'write a consistent backup of users and blogs while the server runs (--out or --dir)' },
  usage: ['backup --out <file> [options]', 'backup --dir <folder> [--keep <n>] [options]'],
  settings: ['DATABASE_URL'],
  options: {
    out: { type: 'string', value: 'file', description: 'write the backup to this file (asks before replacing one; --yes does not ask)' },
    dir: { type: 'string', value: 'folder', description: 'write it into this folder as blog-backup-<UTC time>.jsonl.gz' },
    keep: { type: 'string', value: 'n', description: `with --dir: then delete the oldest backups there until n are left (1 to ${MAX_KEEP})` },
    yes: { type: 'boolean', description: 'replace an existing --out file without asking' },
  },
  about: [
    'Takes one consistent snapshot (SQLite: VACUUM INTO a private copy, checked with integrity_check;',
    'MariaDB/MySQL and PostgreSQL: one REPEATABLE READ snapshot transaction) of users (with their password',
    'hashes) and blogs, not sessions, and writes it as gzip\'d JSON lines with a manifest: blog-server and',
    'schema versions, row counts, SHA-256 per table, time. The file is written under a temporary name and',
    'renamed once complete. Restore it with "blog-server restore <file>" into any of the three databases.',
  ].join('\n'),
  async run({ args, options, config: configure }) {
    const out = typeof options.out === 'string' ? options.out : undefined;
    const dir = typeof options.dir === 'string' ? options.dir : undefined;
    const keep = keepOption(options.keep);
    if (args.length > 0 || (out === undefined) === (dir === undefined)) throw new UsageError(`blog-server: backup needs either --out <file> or --dir <folder>\n\n${commandHelp(backupCommand)}`);
    if (keep !== undefined && dir === undefined) throw new UsageError('blog-server: --keep goes with --dir');
    const config = configure();
    await requireExistingSource(config.databaseUrl, 'DATABASE_URL');
    const { backupTo } = await import('../../ops/transfer/backup.ts');
    const { newBackupPath, keepNewest } = await import('../../ops/transfer/rotation.ts');
    const { terminalProgress } = await import('../../ops/transfer/progress.ts');
    let path: string;
    if (out !== undefined) {
      path = resolve(out);
      if (existsSync(path)) {
        if (statSync(path).isDirectory()) throw new UsageError(`blog-server: --out ${out} is a folder (use --dir for a folder of backups)`);
        await confirmOverwrite(path, options.yes === true);
      }
    } else {
      const folder = resolve(dir ?? '.');
      mkdirSync(folder, { recursive: true });
      path = newBackupPath(folder);
    }
    const started = performance.now();
    const result = await withStorages([config.databaseUrl], async ([storage]) => {
      if (!storage) throw new Error('no storage opened');
      return backupTo(storage, path, terminalProgress());
    });
    console.log(`blog-server: backed up ${describeTables(result.tables)} (schema ${result.header.schemaVersion}) to ${path} (${bytes(result.bytes)}, ${seconds(started)})`);
    if (dir !== undefined && keep !== undefined) {
      const removed = await keepNewest(resolve(dir), keep);
      if (removed.length > 0) console.log(`blog-server: removed ${removed.length} older backup${removed.length === 1 ? '' : 's'} (keeping ${keep}): ${removed.join(', ')}`);
    }
  },
};
