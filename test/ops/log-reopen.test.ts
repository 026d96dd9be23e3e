/**
 * Rotation by an outside tool against a real `blog-server serve` under load (LOG_ROTATE=off): Debian's
 * logrotate with deploy/logrotate.conf, and deploy/split-logs.sh, both rename the file and send SIGHUP
 * through the PID file in LOG_DIR. Every answered request is in exactly one file, and both files got
 * lines (the server did reopen). Run `npm run build` first.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { localDay } from '../../src/ops/log-names.ts';
import { countNumbers, readAccessLogs, startLoad, startServe, type ServeChild } from './serve-child.ts';

const run = promisify(execFile);
const deploy = (name: string) => fileURLToPath(new URL(`../../deploy/${name}`, import.meta.url));

/** Runs `rotate` while the server answers a load, then stops it gracefully; returns the files and the answered numbers. */
async function rotateUnderLoad(rotate: (logDir: string, server: ServeChild) => Promise<void>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-reopen-'));
  const logDir = join(dataDir, 'logs');
  try {
    const server = await startServe(dataDir, logDir, { LOG_ROTATE: 'off' });
    let answered: number[];
    try {
      assert.equal(readFileSync(join(logDir, 'blog-server.pid'), 'utf8').trim(), String(server.child.pid), 'serve writes its PID file');
      const load = startLoad(server.url);
      // Counted, not timed: a loaded machine may answer only a few requests in 300 ms.
      await load.answerMore(30);
      await rotate(logDir, server);
      await load.answerMore(30);
      answered = await load.stop();
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.output());
    } finally {
      server.child.kill('SIGKILL');
    }
    assert.ok(!existsSync(join(logDir, 'blog-server.pid')), 'the PID file is removed at exit');
    assert.match(server.output(), /SIGHUP, log files reopened/);
    return { files: readAccessLogs(logDir), answered };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function assertEveryLineOnce(files: Map<string, number[]>, answered: number[], names: string[]) {
  assert.deepEqual([...files.keys()].sort(), [...names].sort());
  for (const name of names) assert.ok((files.get(name) ?? []).length > 0, `${name} has lines: the server wrote to it`);
  const counts = countNumbers(files);
  assert.ok(answered.length > 50, `a load: ${answered.length} requests`);
  for (const n of answered) assert.equal(counts.get(n), 1, `request ${n} logged exactly once`);
  assert.equal([...counts.values()].reduce((sum, count) => sum + count, 0), counts.size, 'no line twice');
}

test("Debian's logrotate with deploy/logrotate.conf (rename, create, postrotate SIGHUP): no line lost under load", async () => {
  let rotatedName = '';
  const { files, answered } = await rotateUnderLoad(async (logDir) => {
    const config = join(logDir, '..', 'logrotate.conf');
    writeFileSync(config, readFileSync(deploy('logrotate.conf'), 'utf8').replaceAll('/var/log/blog-server', logDir));
    await run('logrotate', ['-s', join(logDir, '..', 'logrotate.state'), '-f', config]);
    rotatedName = `access.${localDay(Date.now())}.log`;
    assert.ok(existsSync(join(logDir, rotatedName)), `logrotate made ${rotatedName} (left plain by delaycompress)`);
  });
  assertEveryLineOnce(files, answered, ['access.log', rotatedName]);
});

test('deploy/split-logs.sh (rename, SIGHUP, wait for the reopen, gzip): no line lost under load', async () => {
  const { files, answered } = await rotateUnderLoad(async (logDir) => {
    // An earlier split of the same day is kept: this one becomes `.1`.
    mkdirSync(logDir, { recursive: true });
    writeFileSync(join(logDir, 'access.2026-11-30.log'), '');
    const { stderr } = await run(deploy('split-logs.sh'), [logDir, '2026-11-30']);
    assert.equal(stderr, '');
    rmSync(join(logDir, 'access.2026-11-30.log'));
  });
  assertEveryLineOnce(files, answered, ['access.log', 'access.2026-11-30.1.log.gz']);
});
