/**
 * `blog-server user add|passwd|unlock <username>`: creates a user, changes a password (ending the
 * user's sessions), or clears a user's login limit; the password never comes from argv.
 */
import { commandHelp } from '../help-text.ts';
import { readPassword } from '../read-password.ts';
import { noteMemorySessions, withApp } from '../with-app.ts';
import { UsageError, type Command } from './command.ts';

const subcommands = ['add', 'passwd', 'unlock'] as const;
type Subcommand = (typeof subcommands)[number];
const isSubcommand = (word: string | undefined): word is Subcommand => (subcommands as readonly (string | undefined)[]).includes(word);

export const userCommand: Command = {
  summary: {
    'user add <username>': 'create a user; the password is read from a prompt or stdin',
    'user passwd <username>': "change a user's password (prompt or stdin); ends all the user's sessions",
    'user unlock <username>': "clear a user's failed-login lock, in the store the running server uses",
  },
  usage: ['user add <username> [options]', 'user passwd <username> [options]', 'user unlock <username> [options]'],
  settings: ['DATABASE_URL'],
  options: { realname: { type: 'string', value: 'name', description: 'the real name of a new user (add), default the username' } },
  about: [
    'The password is never taken from the command line: type it at the prompt, or pipe it on stdin',
    '(first line), e.g.  printf \'%s\\n\' "$PASSWORD" | blog-server user add alice',
    '',
    'unlock clears the login counters of the user on every address, in the SQLite session file or in',
    'Redis (SESSION_STORE), with the settings of the server: run it with the same environment or .env.',
    'With SESSION_STORE=memory the counters live inside the server process and only a restart clears them.',
  ].join('\n'),
  async run({ args: [subcommand, username], options, config: configure }) {
    if (!isSubcommand(subcommand) || !username) throw new UsageError(commandHelp(userCommand));
    const config = configure();
    if (subcommand === 'unlock') {
      if (config.session.store === 'memory') {
        throw new Error('cannot unlock: with SESSION_STORE=memory the login counters live in the memory of the server process, out of reach of this command; restart the server to clear them, or use SESSION_STORE=sqlite or redis');
      }
      await withApp(config, async (app) => {
        const { cleared, wasLocked } = await app.services.users.unlock(username);
        const counters = cleared === 1 ? '1 address' : `${cleared} addresses`;
        console.log(wasLocked ? `blog-server: ${username} was locked; cleared the failed logins of ${counters}` : `blog-server: ${username} was not locked (failed logins cleared: ${counters})`);
      });
      return;
    }
    const realname = typeof options.realname === 'string' ? options.realname : username;
    const password = await readPassword(subcommand === 'add' ? `Password for new user ${username}: ` : `New password for ${username}: `);
    await withApp(config, async (app) => {
      if (subcommand === 'add') {
        const id = await app.services.users.createUser({ username, password, realname });
        console.log(`blog-server: created user ${username} (id ${id})`);
      } else {
        const ended = await app.services.users.changePassword(username, password);
        console.log(`blog-server: changed the password of ${username}; ended ${ended === 1 ? '1 session' : `${ended} sessions`}`);
        if (config.session.store === 'memory') {
          noteMemorySessions(`to end ${username}'s sessions`);
        }
      }
    });
  },
};
