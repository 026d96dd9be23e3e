/** `blog-server search build|rebuild`: indexes the queued posts, or every post, for `keyword=` and `search=`, then exits. */
import { commandHelp } from '../help-text.ts';
import { searchProgressLine } from '../search-progress.ts';
import { UsageError, type Command } from './command.ts';

export const searchCommand: Command = {
  summary: {
    'search build': 'index the posts the search index lacks (as `serve` does in the background), then exit',
    'search rebuild': 'drop the search index and index every post again (after a restore or a copy), then exit',
  },
  usage: ['search build [options]', 'search rebuild [options]'],
  settings: ['DATABASE_URL'],
  about: [
    'Both run in batches of a few hundred posts, one transaction each, so a live server keeps answering;',
    'until the index is complete, searches scan the posts not indexed yet (right, only slower). Progress',
    'is shown on a terminal. See docs/search.md.',
  ].join('\n'),
  async run({ args: [subcommand], config: configure }) {
    if (subcommand !== 'build' && subcommand !== 'rebuild') throw new UsageError(commandHelp(searchCommand));
    const config = configure();
    const { openStorage } = await import('../../storage/storage.ts'); // when it runs: see serve.ts
    const storage = openStorage(config.databaseUrl, { poolSize: 1, sqliteBusyTimeoutMs: config.sqliteBusyTimeoutMs });
    const progress = searchProgressLine();
    try {
      await storage.migrate();
      const indexed = subcommand === 'build' ? await storage.search.buildPending(progress.update) : await storage.search.rebuild(progress.update);
      progress.done();
      console.log(`blog-server: indexed ${indexed} post${indexed === 1 ? '' : 's'} for search`);
    } finally {
      progress.done();
      await storage.close();
    }
  },
};
