/** The commands by name: `blog-server <name>`. Each is one file; main.ts only finds and runs them. */
import { unknownCommand } from '../help-text.ts';
import { backupCommand } from './backup.ts';
import type { Command } from './command.ts';
import { contractTestCommand } from './contract-test.ts';
import { copyCommand } from './copy.ts';
import { demoCommand } from './demo.ts';
import { deployCommand } from './deploy.ts';
import { exportCommand } from './export.ts';
import { helpCommand } from './help.ts';
import { logsCommand } from './logs.ts';
import { migrateCommand } from './migrate.ts';
import { searchCommand } from './search.ts';
import { restoreCommand } from './restore.ts';
import { serveCommand } from './serve.ts';
import { userCommand } from './user.ts';

export const commands = {
  serve: serveCommand,
  migrate: migrateCommand,
  user: userCommand,
  demo: demoCommand,
  deploy: deployCommand,
  logs: logsCommand,
  'contract-test': contractTestCommand,
  search: searchCommand,
  backup: backupCommand,
  restore: restoreCommand,
  copy: copyCommand,
  export: exportCommand,
  help: helpCommand((): Readonly<Record<string, Command>> => commands),
} as const satisfies Record<string, Command>;

export type CommandName = keyof typeof commands;

/** The command called `name`; an unknown name is a usage error that lists the commands. */
export function commandNamed(name: string): Command {
  const command = (commands as Readonly<Record<string, Command>>)[name];
  if (!command) throw unknownCommand(name, commands);
  return command;
}
