/**
 * `blog-server serve` (the built dist/cli/main.js) as a child process on 127.0.0.1 and a port of its
 * own choice, in its own working directory: one "machine" of a deployment. Resolves once it says
 * where it listens; `stop()` sends SIGTERM (a graceful stop) and waits, SIGKILL after 15 s.
 */
import { spawn } from 'node:child_process';
import { cliEntry } from './cli.ts';

export interface ServeProcess {
  url: string;
  pid: number;
  /** What it printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

export function startServeProcess(options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cliEntry, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`blog-server serve did not listen within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ url, pid: child.pid ?? 0, output: () => output, stop });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`blog-server serve exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}
