/** `blog-server restore FILE [--force] [--yes]`: a backup into a database, checked completely before anything changes. */
import { resolve } from 'node:path';
import type { Config } from '../../config/config.ts';
import { commandHelp } from '../help-text.ts';
import { allowTarget, describeTables, seconds, withStorages } from '../transfer-support.ts';
import { noteMemorySessions, withApp } from '../with-app.ts';
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
    'Then it ends every session in the configured session store (SESSION_STORE, with the settings of the',
    'server: run it with the same environment or .env): a session names a user id and username, which',
    'now belong to the backup\'s users. With SESSION_STORE=memory, restart the server instead.',
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
    await endSessions(config);
  },
};

/** After a restore: the sessions of the users it replaced end (a session trusts the id and name it holds). */
async function endSessions(config: Config): Promise<void> {
  if (config.session.store === 'memory') {
    noteMemorySessions('so that no session of the replaced users stays');
    return;
  }
  try {
    await withApp(config, async (app) => {
      const ended = await app.services.users.endAllSessions();
      console.log(`blog-server: ended ${ended === 1 ? '1 session' : `${ended} sessions`} in the ${config.session.store} session store`);
    });
  } catch (error) {
    // The blog is restored and stays so; what is left undone is said, with the other way to do it.
    throw new Error(`the backup is restored, but the sessions of the replaced users could not be ended: restart the servers with a new SESSION_SECRET, which ends every session`, { cause: error });
  }
}
