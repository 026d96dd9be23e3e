/** What a `blog-server` command is: its lines in the main help, its options, and what it runs. */
import type { Config } from '../../config/config.ts';
import type { SettingName } from '../../config/settings.ts';

/** A mistake in how the command was called: printed as it is, exit status 2. */
export class UsageError extends Error {}

/** An option of the command itself, not a setting (`--realname`). */
export interface OwnOption {
  readonly type: 'string' | 'boolean';
  /** The placeholder of its value in help: `name` for `--realname <name>`. */
  readonly value?: string;
  /** May be given several times; its value is then the list, in order (`--upstream a --upstream b`). */
  readonly multiple?: boolean;
  readonly description: string;
}

export interface CommandInput {
  /** The positionals after the command's name (`user add alice` → `add`, `alice`). */
  readonly args: readonly string[];
  /** The values of the command's own options; a list for a `multiple` one. */
  readonly options: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  /** The configuration: environment and `.env`, overridden by the setting options given; throws ConfigError. */
  config(): Config;
}

export interface Command {
  /** Its lines in the main help: what to type → what it does. */
  readonly summary: Readonly<Record<string, string>>;
  /** What to type after `blog-server`, each way of calling it: `serve [options]`. */
  readonly usage: readonly string[];
  /** The settings it takes as options (`--port` sets PORT); their help comes from the table of settings. */
  readonly settings: readonly SettingName[];
  readonly options?: Readonly<Record<string, OwnOption>>;
  /** Said after the options in `<command> --help`. */
  readonly about?: string;
  run(input: CommandInput): Promise<void>;
}
