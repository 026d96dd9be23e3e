// Prints the README's configuration table, generated from src/config/settings.ts; with --write,
// replaces the table in README.md with it. `test/unit/settings.test.ts` checks that they agree.
import { readFileSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { settingsTable, tableHeader } = await import('../src/config/settings-table.ts');
const table = settingsTable();

if (!process.argv.includes('--write')) {
  console.log(table);
} else {
  const readmeUrl = new URL('../README.md', import.meta.url);
  const lines = readFileSync(readmeUrl, 'utf8').split('\n');
  const start = lines.indexOf(tableHeader[0]);
  if (start === -1) {
    console.error(`settings-table: README.md has no line "${tableHeader[0]}"`);
    process.exit(1);
  }
  let end = start;
  while (end < lines.length && lines[end].startsWith('|')) end += 1;
  lines.splice(start, end - start, ...table.split('\n'));
  writeFileSync(readmeUrl, lines.join('\n'));
  console.log(`settings-table: README.md now has the table of ${table.split('\n').length - 2} settings`);
}
