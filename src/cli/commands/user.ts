/** `blog-server user add|passwd <username>`: creates a user or changes a password; the password never comes from argv. */
import { commandHelp } from '../help-text.ts';
import { readPassword } from '../read-password.ts';
import { withApp } from '../with-app.ts';
import { UsageError, type Command } from './command.ts';

export const userCommand: Command = {
  summary: {
    'user add <username>': 'create a user; the password is read from a prompt or stdin',
    'user passwd <username>': "change a user's password (prompt or stdin)",
  },
  usage: ['user add <username> [options]', 'user passwd <username> [options]'],
  settings: ['DATABASE_URL'],
  options: { realname: { type: 'string', value: 'name', description: 'the real name of a new user (add), default the username' } },
  about: 'The password is never taken from the command line: type it at the prompt, or pipe it on stdin\n(first line), e.g.  printf \'%s\\n\' "$PASSWORD" | blog-server user add alice',
  async run({ args: [subcommand, username], options, config: configure }) {
    if ((subcommand !== 'add' && subcommand !== 'passwd') || !username) throw new UsageError(commandHelp(userCommand));
    const config = configure();
    const realname = typeof options.realname === 'string' ? options.realname : username;
    const password = await readPassword(subcommand === 'add' ? `Password for new user ${username}: ` : `New password for ${username}: `);
    await withApp(config, async (app) => {
      if (subcommand === 'add') {
        const id = await app.services.users.createUser({ username, password, realname });
        console.log(`blog-server: created user ${username} (id ${id})`);
      } else {
        await app.services.users.changePassword(username, password);
        console.log(`blog-server: changed the password of ${username}`);
      }
    });
  },
};
