/** `blog-server serve`: opens the app, listens, and stops gracefully on SIGINT/SIGTERM. */
import { createAppLog } from '../../ops/app-log.ts';
import { stopOnSignals } from '../../ops/graceful-shutdown.ts';
import { reopenLogsOnHangup } from '../../ops/log-signals.ts';
import { exitOnUncaughtErrors } from '../../ops/process-errors.ts';
import { leavingClusterOnClose, refuseUnsharedState, signalReady } from '../../ops/process-manager.ts';
import type { Command } from './command.ts';

export const serveCommand: Command = {
  summary: { serve: 'run the blog server (default command)' },
  usage: ['serve [options]'],
  settings: ['ENGINE', 'PORT', 'HOST', 'DATABASE_URL'],
  about: 'Every other setting comes from the environment or ./.env (README.md, "Configuration").\nOn SIGINT/SIGTERM in-flight requests finish (up to SHUTDOWN_TIMEOUT); a second signal exits at once.',
  async run({ config: configure }) {
    const config = configure();
    // One record per event on stdout (info) / stderr (warn, error): PM2's out and error files.
    const log = createAppLog();
    exitOnUncaughtErrors(log);
    log.info(`starting (pid ${process.pid}, node ${process.version}, ${config.env})`);
    refuseUnsharedState(config);
    // Loaded when it runs: every command shares main.ts, and `logs analyze` must stay lean (peak RSS).
    const [{ createApp }, { listen }] = await Promise.all([import('../../app.ts'), import('../../server.ts')]);
    // The PID file is claimed before the app opens anything: a second server on the same LOG_DIR is
    // refused before it can touch the first one's log files. SIGHUP reopens the access log file
    // (logrotate, deploy/split-logs.sh); the PID file says whom to signal.
    const created: { app?: Awaited<ReturnType<typeof createApp>> } = {};
    const hangup = config.accessLog === 'combined' || config.auditLog === 'file' ? reopenLogsOnHangup({ reopenLogs: async () => created.app?.reopenLogs() }, log, { logDir: config.logDir, instance: config.logRotation.instance }) : undefined;
    const app = await createApp(config, { log }).catch((error: unknown) => {
      hangup?.dispose();
      throw error;
    });
    created.app = app;
    const running = await listen(app, config.port, config.host).catch(async (error: unknown) => {
      await app.close();
      throw error;
    });
    // Before saying it listens: whoever reacts to that line with a signal gets a graceful stop.
    const stopped = leavingClusterOnClose({
      close: async () => {
        await running.close();
        log.info('stopped: in-flight requests finished, connections closed');
      },
    });
    stopOnSignals(stopped, log);
    const { migrations, demo } = app.startup;
    if (migrations.length > 0) log.info(`applied migrations ${migrations.join(', ')}`);
    if (demo && demo.usersCreated.length > 0) {
      log.info(`empty database, created demo users ${demo.usersCreated.join(', ')} (password 123) and ${demo.postsCreated} posts`);
    }
    log.info(`listening on ${running.url} (engine ${config.engine}, ${app.storage.dialect.name} ${app.storage.dialect.displayUrl}, sessions ${config.session.store}, ${config.env})`);
    // Listening, with the database migrated and the session store connected: PM2 may send traffic (wait_ready).
    signalReady();
  },
};
