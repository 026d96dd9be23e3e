/** `blog-server restore FILE [--force] [--yes]`: a backup into a database, checked completely before anything changes. */
import { resolve } from 'node:path';
import { commandHelp } from '../help-text.ts';
import { allowTarget, describeTables, seconds, withStorages } from '../transfer-support.ts';
import { UsageError, type Command } from './command.ts';

export const restoreCommand: Command = {
  summary: { 'restore <file>': 'restore a backup into an empty database (--force replaces a non-empty one)' },
  usage: ['restore <file> [options]'],
  settings: ['DATABASE_URL'],
  options: {
    force: { type: 'boolean', description: 'allow a database that holds users or blogs: they are deleted and replaced' },
    yes: { type: 'boolean', description: 'with --force: do not ask on the terminal (scripts, cron)' },
  },
  about: [
    'Reads the whole backup first and refuses one that is damaged, cut short or of a newer schema; then',
    'migrates the database, loads the users and blogs in one transaction, compares what it holds with the',
    'backup\'s checksums before committing, sets every id sequence after the largest id and recomputes',
    'the counts. A refused or failed restore changes no user and no blog.',
  ].join('\n'),
  async run({ args, options, config: configure }) {
    const [file, ...rest] = args;
    if (file === undefined || rest.length > 0) throw new UsageError(commandHelp(restoreCommand));
    const config = configure();
    const path = resolve(file);
    const { checkBackup, restoreFrom } = await import('../../ops/transfer/restore.ts');
    const { terminalProgress } = await import('../../ops/transfer/progress.ts');
    const started = performance.now();
    const progress = terminalProgress();
    const checked = await checkBackup(path, progress).finally(() => progress.done());
    const result = await withStorages([config.databaseUrl], async ([storage]) => {
      if (!storage) throw new Error('no storage opened');
      await storage.migrate();
      const replace = await allowTarget(storage, { force: options.force === true, yes: options.yes === true });
      const restored = await restoreFrom(path, storage, { replace, progress, checked });
      return { ...restored, url: storage.dialect.displayUrl, replace };
    });
    const { header } = result;
    console.log(`blog-server: restored ${describeTables(result.tables)} of ${header.createdAt} (${header.source}, schema ${header.schemaVersion}) into ${result.url}${result.replace ? ', replacing what it held' : ''} (${seconds(started)})`);
  },
};
