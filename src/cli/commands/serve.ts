/** `blog-server serve`: opens the app, listens, and stops gracefully on SIGINT/SIGTERM. */
import { createApp } from '../../app.ts';
import { stopOnSignals } from '../../ops/graceful-shutdown.ts';
import { leavingClusterOnClose, refuseUnsharedState, signalReady } from '../../ops/process-manager.ts';
import { listen } from '../../server.ts';
import type { Command } from './command.ts';

export const serveCommand: Command = {
  summary: { serve: 'run the blog server (default command)' },
  usage: ['serve [options]'],
  settings: ['ENGINE', 'PORT', 'HOST', 'DATABASE_URL'],
  about: 'Every other setting comes from the environment or ./.env (README.md, "Configuration").\nOn SIGINT/SIGTERM in-flight requests finish (up to SHUTDOWN_TIMEOUT); a second signal exits at once.',
  async run({ config: configure }) {
    const config = configure();
    refuseUnsharedState(config);
    const app = await createApp(config);
    const running = await listen(app, config.port, config.host).catch(async (error: unknown) => {
      await app.close();
      throw error;
    });
    // Before saying it listens: whoever reacts to that line with a signal gets a graceful stop.
    stopOnSignals(leavingClusterOnClose(running), {
      info: (message) => console.log(`blog-server: ${message}`),
      error: (message, error) => console.error(`blog-server: ${message}`, ...(error === undefined ? [] : [error])),
    });
    const { migrations, demo } = app.startup;
    if (migrations.length > 0) console.log(`blog-server: applied migrations ${migrations.join(', ')}`);
    if (demo && demo.usersCreated.length > 0) {
      console.log(`blog-server: empty database, created demo users ${demo.usersCreated.join(', ')} (password 123) and ${demo.postsCreated} posts`);
    }
    console.log(`blog-server: listening on ${running.url} (engine ${config.engine}, ${app.storage.dialect.name} ${app.storage.dialect.displayUrl}, sessions ${config.session.store}, ${config.env})`);
    // Listening, with the database migrated and the session store connected: PM2 may send traffic (wait_ready).
    signalReady();
  },
};
