/**
 * A command's options for `node:util` parseArgs: `--help`, the settings it takes (their flags come
 * from the table of settings: `--port` → PORT) and its own; and the configuration they override.
 */
import type { ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config/config.ts';
import { settings, type SettingName } from '../config/settings.ts';
import type { CliOption } from '../config/setting.ts';
import type { Command } from './commands/command.ts';

type ParseOptions = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** The option that sets `name`; every setting a command lists must have one. */
export function optionOf(name: SettingName): CliOption {
  const { option } = settings[name];
  if (!option) throw new Error(`${name} has no command-line option in the table of settings`);
  return option;
}

export function optionsOf(command: Command): ParseOptions {
  const options: ParseOptions = { help: { type: 'boolean', short: 'h' } };
  for (const name of command.settings) {
    const { flag, short } = optionOf(name);
    options[flag] = short === undefined ? { type: 'string' } : { type: 'string', short };
  }
  for (const [flag, { type, multiple }] of Object.entries(command.options ?? {})) options[flag] = multiple === true ? { type, multiple } : { type };
  return options;
}

/** Every command's options, to find the command's name wherever the options stand. */
export function everyOption(commands: Readonly<Record<string, Command>>): ParseOptions {
  return Object.assign({}, ...Object.values(commands).map(optionsOf)) as ParseOptions;
}

/** The configuration with the command's setting options (`--port 0` → PORT=0) over the environment. */
export function configFor(command: Command, values: OptionValues): Config {
  const overrides: Record<string, string | undefined> = {};
  for (const name of command.settings) {
    const value = values[optionOf(name).flag];
    if (typeof value === 'string') overrides[name] = value;
  }
  return loadConfig({ overrides });
}

/** The values of the command's own options, without the settings' and `--help`; a `multiple` one's as a list. */
export function ownValues(command: Command, values: OptionValues): Record<string, string | boolean | readonly string[] | undefined> {
  const own: Record<string, string | boolean | readonly string[] | undefined> = {};
  for (const [flag, { multiple }] of Object.entries(command.options ?? {})) {
    const value = values[flag];
    if (multiple === true) own[flag] = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
    else own[flag] = Array.isArray(value) ? value.at(-1) : value;
  }
  return own;
}
