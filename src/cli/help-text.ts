/** The texts of `blog-server --help` and `blog-server <command> --help`, built from the registry and the table of settings. */
import { settings } from '../config/settings.ts';
import { UsageError, type Command } from './commands/command.ts';
import { optionOf } from './options.ts';

/** Markdown of the settings table, as a terminal shows it. */
const plain = (markdown: string): string => markdown.replaceAll('`', '');

/** Two columns, the first padded to its widest cell. */
function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

export function mainHelp(commands: Readonly<Record<string, Command>>): string {
  const rows = Object.values(commands).flatMap((command) => Object.entries(command.summary));
  return [
    'Usage: blog-server <command> [options]',
    '',
    'Commands:',
    ...columns(rows),
    '',
    'Run "blog-server <command> --help" for a command\'s options. Configuration comes from',
    'environment variables and ./.env (see README.md); options override them.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const rows: [string, string][] = command.settings.map((name) => {
    const setting = settings[name];
    const { flag, short, value } = optionOf(name);
    // Say what is accepted where the description does not (a choice's names, a number's bounds).
    const accepts = /^(whole number|`)/.test(setting.accepts) ? `: ${plain(setting.accepts)}` : '';
    return [`${short === undefined ? '' : `-${short}, `}--${flag} <${value}>`, `${plain(setting.description)} (${name}${accepts}), default ${plain(setting.shownDefault)}`];
  });
  for (const [flag, option] of Object.entries(command.options ?? {})) rows.push([`--${flag}${option.value === undefined ? '' : ` <${option.value}>`}`, option.description]);
  rows.push(['-h, --help', 'this help']);
  return [
    `Usage: ${command.usage.map((usage) => `blog-server ${usage}`).join('\n       ')}`,
    '',
    'Options:',
    ...columns(rows),
    ...(command.about === undefined ? [] : ['', command.about]),
  ].join('\n');
}

export function unknownCommand(name: string, commands: Readonly<Record<string, Command>>): UsageError {
  return new UsageError(`blog-server: unknown command "${name}"\n\n${mainHelp(commands)}`);
}
