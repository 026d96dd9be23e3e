/**
 * Compares a schema with its checked-in snapshot (`<name>.snapshot.txt` next to this file) and fails
 * with a line diff. A schema changes only through a new migration; when one is added on purpose,
 * refresh the snapshots and commit them with it:
 *
 *   UPDATE_SCHEMA_SNAPSHOTS=1 node scripts/run-tests.mjs test/backends/schema-snapshot.test.ts
 *
 * (with MariaDB and PostgreSQL running, so that all of them are written). CI never refreshes.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const refresh = 'UPDATE_SCHEMA_SNAPSHOTS=1 node scripts/run-tests.mjs test/backends/schema-snapshot.test.ts';

function snapshotPath(name: string): string {
  return fileURLToPath(new URL(`./${name}.snapshot.txt`, import.meta.url));
}

/** The lines of `expected` and `actual` as a diff: `- ` only in the snapshot, `+ ` only in the database. */
export function lineDiff(expected: readonly string[], actual: readonly string[]): string[] {
  // Longest common subsequence, backwards, so that the walk below goes forwards. Schemas are small.
  const common: number[][] = Array.from({ length: expected.length + 1 }, () => new Array<number>(actual.length + 1).fill(0));
  for (let i = expected.length - 1; i >= 0; i--) {
    for (let j = actual.length - 1; j >= 0; j--) {
      common[i]![j] = expected[i] === actual[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let [i, j] = [0, 0];
  while (i < expected.length || j < actual.length) {
    if (i < expected.length && j < actual.length && expected[i] === actual[j]) {
      lines.push(`  ${expected[i]}`);
      i++;
      j++;
    } else if (j < actual.length && (i === expected.length || common[i]![j + 1]! >= common[i + 1]![j]!)) {
      lines.push(`+ ${actual[j]}`);
      j++;
    } else {
      lines.push(`- ${expected[i]}`);
      i++;
    }
  }
  return lines;
}

/**
 * Keeps the changed lines and two lines around each, so that a failure shows where it is; a run of
 * lines inside a table starts with that table's header line.
 */
function withContext(diff: readonly string[]): string[] {
  const changed = (line: string) => !line.startsWith('  ');
  const near = (index: number) => diff.slice(Math.max(0, index - 2), index + 3).some(changed);
  const isHeader = (line: string) => !line.slice(2).startsWith(' ');
  const lines: string[] = [];
  let last = -1;
  diff.forEach((line, index) => {
    if (!near(index)) return;
    if (index > last + 1) {
      if (last >= 0) lines.push('  …');
      const header = diff.slice(last + 1, index).findLast(isHeader);
      if (header !== undefined && !isHeader(line)) lines.push(header);
    }
    lines.push(line);
    last = index;
  });
  if (last < diff.length - 1) lines.push('  …');
  return lines;
}

/** Asserts that `lines` equal the snapshot `name`, or (UPDATE_SCHEMA_SNAPSHOTS=1) writes them as the new snapshot. */
export function assertSchemaSnapshot(name: string, lines: readonly string[], header: string): void {
  const path = snapshotPath(name);
  const content = `${[`# ${header}`, `# Refresh only together with a new migration: ${refresh}`, ...lines].join('\n')}\n`;
  if (process.env.UPDATE_SCHEMA_SNAPSHOTS === '1') {
    if (process.env.CI === 'true') throw new Error('UPDATE_SCHEMA_SNAPSHOTS is refused under CI: a pipeline must not bless its own schema');
    writeFileSync(path, content);
    return;
  }
  assert.ok(existsSync(path), `no schema snapshot ${path}: write it with ${refresh}`);
  const expected = readFileSync(path, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  const diff = lineDiff(expected, lines);
  if (diff.every((line) => line.startsWith('  '))) return;
  assert.fail([
    `The ${name} schema differs from ${path}`,
    '(- in the snapshot only, + in the freshly migrated database only).',
    'A schema changes only through a new migration; if this change is one, refresh the snapshot:',
    `  ${refresh}`,
    '',
    ...withContext(diff),
  ].join('\n'));
}
