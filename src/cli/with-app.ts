/**
 * Opens the app for a one-off command (no access log, no demo data), runs a task, closes it. Its
 * audit events go to the server's audit file, which it appends to and never rotates: the server does.
 */
import type { App } from '../app.ts';
import type { Config } from '../config/config.ts';

/** A command that ends sessions, run beside memory sessions: they are in the server's memory, which it cannot reach. */
export function noteMemorySessions(purpose: string): void {
  console.error(`blog-server: note: with SESSION_STORE=memory the running server's sessions are in its memory, out of reach of this command: restart it ${purpose}`);
}

export async function withApp(config: Config, task: (app: App) => Promise<void>): Promise<void> {
  // Loaded when it runs: every command shares main.ts, and `logs analyze` must stay lean (peak RSS).
  const { createApp } = await import('../app.ts');
  const app = await createApp({ ...config, demoData: false, accessLog: 'off', logRotation: { ...config.logRotation, rotate: 'off', maxBytes: 0 } });
  try {
    await task(app);
  } finally {
    await app.close();
  }
}
