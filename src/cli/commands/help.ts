/** `blog-server help [command]`: the main help, or one command's. */
import { commandHelp, mainHelp, unknownCommand } from '../help-text.ts';
import type { Command } from './command.ts';

type Registry = Readonly<Record<string, Command>>;

/** The help command of a registry; `commands` is read when it runs, so the registry may include it. */
export function helpCommand(commands: () => Registry): Command {
  return {
    summary: { 'help [command]': 'this help, or the options of a command' },
    usage: ['help [command]'],
    settings: [],
    async run({ args: [name] }) {
      if (name === undefined) return void console.log(mainHelp(commands()));
      const command = commands()[name];
      if (!command) throw unknownCommand(name, commands());
      console.log(commandHelp(command));
    },
  };
}
