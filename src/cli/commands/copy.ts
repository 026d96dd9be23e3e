/** `blog-server copy --from URL --to URL [--force] [--yes]`: a whole blog from one database into another. */
import { maskUrl } from '../../connections/mask-url.ts';
import { commandHelp } from '../help-text.ts';
import { allowTarget, describeTables, requireExistingSource, seconds, withStorages } from '../transfer-support.ts';
import { UsageError, type Command } from './command.ts';

export const copyCommand: Command = {
  summary: { 'copy --from <url> --to <url>': 'copy users and blogs between SQLite, MariaDB/MySQL and PostgreSQL' },
  usage: ['copy --from <url> --to <url> [options]'],
  settings: [],
  options: {
    from: { type: 'string', value: 'url', description: 'the database to copy, as DATABASE_URL names one (a SQLite path, mysql://…, postgres://…)' },
    to: { type: 'string', value: 'url', description: 'the database to copy into; migrated first, and must hold no users or blogs unless --force' },
    force: { type: 'boolean', description: 'allow a target that holds users or blogs: they are deleted and replaced' },
    yes: { type: 'boolean', description: 'with --force: do not ask on the terminal' },
  },
  about: [
    'Reads one consistent snapshot of the source (it may keep serving) and writes it in batches into one',
    'transaction on the target, which is compared with the source (row counts and SHA-256 checksums) before',
    'it commits. Ids, password hashes and times are kept: users log in as before. Then point DATABASE_URL',
    'at the target. See README "Backups and moving".',
  ].join('\n'),
  async run({ args, options }) {
    const from = typeof options.from === 'string' ? options.from : undefined;
    const to = typeof options.to === 'string' ? options.to : undefined;
    if (args.length > 0 || from === undefined || to === undefined) throw new UsageError(`blog-server: copy needs --from <url> and --to <url>\n\n${commandHelp(copyCommand)}`);
    const { copyBetween } = await import('../../ops/transfer/copy.ts');
    const { terminalProgress } = await import('../../ops/transfer/progress.ts');
    await requireExistingSource(from, '--from');
    const started = performance.now();
    const result = await withStorages([from, to], async ([source, target]) => {
      if (!source || !target) throw new Error('no storage opened');
      if (source.dialect.displayUrl === target.dialect.displayUrl) throw new UsageError(`blog-server: --from and --to name the same database (${source.dialect.displayUrl})`);
      await target.migrate();
      const replace = await allowTarget(target, { force: options.force === true, yes: options.yes === true });
      return { ...(await copyBetween(source, target, { replace, progress: terminalProgress() })), replace };
    });
    console.log(`blog-server: copied ${describeTables(result.tables)} (schema ${result.schemaVersion}) from ${maskUrl(from)} to ${maskUrl(to)}${result.replace ? ', replacing what it held' : ''}; row counts and checksums match (${seconds(started)})`);
  },
};
