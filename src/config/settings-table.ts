/**
 * The README's configuration table, written from the table of settings. The README keeps a copy
 * (people read it there); `test/unit/settings.test.ts` fails when the two differ, and
 * `node scripts/settings-table.mjs --write` brings the README up to date.
 */
import { settings } from './settings.ts';
import type { Setting } from './setting.ts';

export const tableHeader = ['| variable | default | accepts | meaning |', '|---|---|---|---|'] as const;

const cell = (markdown: string): string => markdown.replaceAll('|', '\\|');

/** One row: `` | `PORT` | `8000` | whole number 0 – 65 535 | port to listen on (`--port`) | ``. */
export function settingRow(name: string, setting: Setting<unknown>): string {
  const option = setting.option === undefined ? '' : ` (\`--${setting.option.flag}\`)`;
  return `| \`${name}\` | ${cell(setting.shownDefault)} | ${cell(setting.accepts)} | ${cell(setting.description)}${option} |`;
}

/** The whole table, in the order of the settings. */
export function settingsTable(): string {
  const table: Readonly<Record<string, Setting<unknown>>> = settings;
  return [...tableHeader, ...Object.entries(table).map(([name, setting]) => settingRow(name, setting))].join('\n');
}
