/** `blog-server migrate`: brings the database schema up to date and exits. */
import { searchProgressLine } from '../search-progress.ts';
import type { Command } from './command.ts';

export const migrateCommand: Command = {
  summary: { migrate: 'bring the database schema up to date, then exit' },
  usage: ['migrate [options]'],
  settings: ['DATABASE_URL'],
  about: 'Applies every pending migration under a lock (safe while other processes start), indexes the posts\nthe search index lacks (in batches, progress on a terminal) and exits.',
  async run({ config: configure }) {
    const config = configure();
    const { openStorage } = await import('../../storage/storage.ts'); // when it runs: see serve.ts
    const storage = openStorage(config.databaseUrl, { poolSize: 1, sqliteBusyTimeoutMs: config.sqliteBusyTimeoutMs });
    try {
      const applied = await storage.migrate();
      console.log(applied.length > 0 ? `blog-server: applied ${applied.join(', ')}` : 'blog-server: the schema is up to date');
      const progress = searchProgressLine();
      const indexed = await storage.search.buildPending(progress.update);
      progress.done();
      if (indexed > 0) console.log(`blog-server: indexed ${indexed} post${indexed === 1 ? '' : 's'} for search`);
    } finally {
      await storage.close();
    }
  },
};
