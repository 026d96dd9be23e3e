#!/usr/bin/env node
/**
 * The `blog-server` command: finds the command of argv in the registry (commands/index.ts), parses
 * its options, runs it, and turns an error into one message and an exit status (2: how it was
 * called, 1: anything else).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config.ts';
import { codeOf, describeError } from '../connections/describe-error.ts';
import { BlogError } from '../core/errors.ts';
import { UsageError, type Command } from './commands/command.ts';
import { commandNamed, commands } from './commands/index.ts';
import { commandHelp, mainHelp } from './help-text.ts';
import { configFor, everyOption, optionsOf, ownValues } from './options.ts';

/** Runs the command of `argv`; resolves with the exit status of a failure, or 0 (serve keeps running). */
async function main(argv: string[]): Promise<number> {
  // Shown after an option error: the command's help once the command is known.
  let help = mainHelp(commands);
  try {
    // A lenient first pass knows every command's options, so it finds the command's name wherever options stand.
    const first = parseArgs({ args: argv, options: everyOption(commands), allowPositionals: true, strict: false });
    const name = first.positionals[0];
    if (name === undefined && first.values.help === true) {
      console.log(help);
      return 0;
    }
    const command: Command = commandNamed(name ?? 'serve');
    help = commandHelp(command);
    const { values, positionals } = parseArgs({ args: argv, options: optionsOf(command), allowPositionals: true, strict: true });
    if (values.help === true) {
      console.log(help);
      return 0;
    }
    await command.run({ args: positionals.slice(1), options: ownValues(command, values), config: () => configFor(command, values) });
    return 0;
  } catch (error) {
    console.error(describe(error, help));
    return error instanceof UsageError ? 2 : 1;
  }
}

function describe(error: unknown, help: string): string {
  if (error instanceof UsageError) return error.message;
  if (error instanceof ConfigError) return `blog-server: configuration error, ${error.message}`;
  if (error instanceof BlogError) return `blog-server: ${error.message}`;
  if (codeOf(error)?.startsWith('ERR_PARSE_ARGS')) return `blog-server: ${describeError(error)}\n\n${help}`;
  const cause = error instanceof Error && error.cause !== undefined ? ` (${describeError(error.cause)})` : '';
  return `blog-server: ${describeError(error)}${cause}`;
}

const status = await main(process.argv.slice(2));
if (status !== 0) process.exit(status);
