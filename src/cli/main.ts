#!/usr/bin/env node
/** The `blog-server` command: serve, migrate, user add / passwd, demo. */
import { parseArgs } from 'node:util';
import { createApp, type App } from '../app.ts';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { createDemoData } from '../core/demo-data.ts';
import { BlogError } from '../core/errors.ts';
import { listen } from '../server.ts';
import { openStorage } from '../storage/storage.ts';
import { readPassword } from './read-password.ts';

const usage = {
  main: `Usage: blog-server <command> [options]

Commands:
  serve                 run the blog server (default command)
  migrate               bring the database schema up to date, then exit
  user add <username>   create a user; the password is read from a prompt or stdin
  user passwd <username>  change a user's password (prompt or stdin)
  demo                  create the course's demo users (zhangsan, lisi / 123) and posts

Run "blog-server <command> --help" for a command's options. Configuration comes from
environment variables and ./.env (see README.md); options override them.`,
  serve: `Usage: blog-server serve [--engine native] [--port N] [--host H] [--database URL]

  --engine <name>     HTTP engine (ENGINE), default native
  --port <n>          port (PORT), default 8000
  --host <address>    address to listen on (HOST), default 0.0.0.0
  --database <url>    DATABASE_URL: a SQLite path, sqlite:, mysql:// or postgres:// URL`,
  migrate: `Usage: blog-server migrate [--database URL]

Applies every pending migration under a lock (safe while other processes start) and exits.`,
  user: `Usage: blog-server user add <username> [--realname R] [--database URL]
       blog-server user passwd <username> [--database URL]

The password is never taken from the command line: type it at the prompt, or pipe it on stdin
(first line), e.g.  printf '%s\\n' "$PASSWORD" | blog-server user add alice`,
  demo: `Usage: blog-server demo [--database URL]

Creates the demo users zhangsan and lisi (password 123, as in the course) with a few posts.
Running it again changes nothing. Refused when NODE_ENV=production.`,
} as const;

const options = {
  help: { type: 'boolean', short: 'h' },
  engine: { type: 'string' },
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  database: { type: 'string' },
  realname: { type: 'string' },
} as const;

class UsageError extends Error {}

function configFrom(values: { engine?: string | undefined; port?: string | undefined; host?: string | undefined; database?: string | undefined }, extra: Record<string, string> = {}): Config {
  return loadConfig({ overrides: { ENGINE: values.engine, PORT: values.port, HOST: values.host, DATABASE_URL: values.database, ...extra } });
}

/** Opens the app for a one-off command (no access log, no demo data), runs `task`, closes. */
async function withApp(config: Config, task: (app: App) => Promise<void>): Promise<void> {
  const app = await createApp({ ...config, demoData: false, accessLog: 'off' });
  try {
    await task(app);
  } finally {
    await app.close();
  }
}

async function serve(config: Config): Promise<void> {
  const app = await createApp(config);
  const running = await listen(app, config.port, config.host).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  const { migrations, demo } = app.startup;
  if (migrations.length > 0) console.log(`blog-server: applied migrations ${migrations.join(', ')}`);
  if (demo && demo.usersCreated.length > 0) {
    console.log(`blog-server: empty database, created demo users ${demo.usersCreated.join(', ')} (password 123) and ${demo.postsCreated} posts`);
  }
  console.log(`blog-server: listening on ${running.url} (engine ${config.engine}, ${app.storage.dialect.name} ${app.storage.dialect.displayUrl}, sessions ${config.session.store}, ${config.env})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`blog-server: ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`blog-server: ${signal}, finishing in-flight requests`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('blog-server: shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function user(subcommand: string | undefined, username: string | undefined, values: { realname?: string | undefined; database?: string | undefined }): Promise<void> {
  if ((subcommand !== 'add' && subcommand !== 'passwd') || !username) throw new UsageError(usage.user);
  const config = configFrom(values);
  const password = await readPassword(subcommand === 'add' ? `Password for new user ${username}: ` : `New password for ${username}: `);
  await withApp(config, async (app) => {
    if (subcommand === 'add') {
      const id = await app.services.users.createUser({ username, password, realname: values.realname ?? username });
      console.log(`blog-server: created user ${username} (id ${id})`);
    } else {
      await app.services.users.changePassword(username, password);
      console.log(`blog-server: changed the password of ${username}`);
    }
  });
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [command = 'serve', ...rest] = positionals;
  const help = values.help === true;
  switch (command) {
    case 'serve':
      if (help) return void console.log(usage.serve);
      return serve(configFrom(values));
    case 'migrate': {
      if (help) return void console.log(usage.migrate);
      const config = configFrom(values);
      const storage = openStorage(config.databaseUrl, { poolSize: 1, sqliteBusyTimeoutMs: config.sqliteBusyTimeoutMs });
      try {
        const applied = await storage.migrate();
        console.log(applied.length > 0 ? `blog-server: applied ${applied.join(', ')}` : 'blog-server: the schema is up to date');
      } finally {
        await storage.close();
      }
      return;
    }
    case 'user':
      if (help) return void console.log(usage.user);
      return user(rest[0], rest[1], values);
    case 'demo': {
      if (help) return void console.log(usage.demo);
      const config = configFrom(values);
      if (config.env === 'production') throw new UsageError('blog-server demo: refused with NODE_ENV=production (demo users have the password 123)');
      return withApp(config, async (app) => {
        const result = await createDemoData(app.services.users, app.services.blogs);
        console.log(result.usersCreated.length > 0 ? `blog-server: created demo users ${result.usersCreated.join(', ')} and ${result.postsCreated} posts` : 'blog-server: the demo users already exist');
      });
    }
    case 'help':
      return void console.log(usage.main);
    default:
      throw new UsageError(`blog-server: unknown command "${command}"\n\n${usage.main}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof UsageError) return error.message;
  if (error instanceof ConfigError) return `blog-server: configuration error, ${error.message}`;
  if (error instanceof BlogError) return `blog-server: ${error.message}`;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS')) return `blog-server: ${error.message}\n\n${usage.main}`;
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `blog-server: ${error instanceof Error ? error.message : String(error)}${cause}`;
}

const argv = process.argv.slice(2);
if (argv.includes('--help') && argv.length === 1) {
  console.log(usage.main);
} else {
  main(argv).catch((error: unknown) => {
    console.error(describe(error));
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
