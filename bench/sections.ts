/**
 * The benchmarks of their own that `npm run bench` runs after the endpoint table, in this order:
 * each is selected by its BENCH_ONLY token (all of them when BENCH_ONLY is empty; the other tokens
 * filter the table). A new one is one entry here: a token and a `run` that returns the markdown to
 * append to bench/results/latest.md ('' when it writes its own file) and whether it failed.
 */
import { BACKUP_TOKEN, runBackupBench } from './backup.ts';
import type { DatasetName } from './databases.ts';
import { deployToken, runDeployBench } from './deploy.ts';
import type { RunContext } from './lineup.ts';
import { LOGS_TOKEN, runLogAnalysisBench } from './log-analysis.ts';
import type { Load } from './measure.ts';
import { runSearchBench, SEARCH_TOKEN } from './search.ts';
import type { SeededDatabase } from './seed.ts';

export interface SectionContext {
  run: RunContext;
  rounds: number;
  /** The load of the table's reads (connections, duration, warm-up). */
  readLoad: Load;
  /** A dataset of the run's backend, seeded on first use and shared with the table. */
  database(name: DatasetName): Promise<SeededDatabase>;
}

export interface SectionResult {
  markdown: string;
  failed: boolean;
}

export interface Section {
  token: string;
  run(context: SectionContext): Promise<SectionResult>;
}

export const sections: readonly Section[] = [
  {
    token: deployToken,
    run: async ({ run, readLoad, database }) => {
      const { section, failed } = await runDeployBench(await database('100k'), run, readLoad);
      return { markdown: section, failed };
    },
  },
  {
    token: LOGS_TOKEN,
    run: async ({ run: { root, cli, tmpDir }, rounds }) => ({ markdown: '', failed: (await runLogAnalysisBench({ root, cli, tmpDir, rounds })) !== 0 }),
  },
  {
    token: SEARCH_TOKEN,
    // Writes bench/results/search.md; its databases are cached in bench/data/ (BENCH_SEARCH_SIZES).
    run: async ({ run, readLoad }) => ({ markdown: '', failed: (await runSearchBench(run, readLoad)) !== 0 }),
  },
  {
    token: BACKUP_TOKEN,
    // Backup, restore and copy of 100,000 posts on each database (bench/backup.ts).
    run: async ({ run: { cli, tmpDir } }) => {
      const { section, failed } = await runBackupBench({ blogs: 100_000, cli, tmpDir });
      return { markdown: section, failed };
    },
  },
];

/** The sections BENCH_ONLY selects, and the tokens left for the table (undefined: the table is not selected). */
export function selectSections(only: readonly string[]): { selected: Section[]; tableOnly: string[] | undefined } {
  if (only.length === 0) return { selected: [...sections], tableOnly: [] };
  const selected = sections.filter((section) => only.includes(section.token));
  const rest = only.filter((token) => !sections.some((section) => section.token === token));
  return { selected, tableOnly: rest.length === 0 ? undefined : rest };
}
