/** The PID file and the SIGHUP handler of src/ops/log-signals.ts. */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pidFileName, reopenLogsOnHangup, writePidFile } from '../../src/ops/log-signals.ts';

const quiet = { info: () => {}, error: () => {} };

test('the PID file: written, named per PM2 instance, taken over from a dead process, refused while its process lives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blog-server-pid-'));
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  try {
    assert.equal(pidFileName(undefined), 'blog-server.pid');
    assert.equal(pidFileName('2'), 'blog-server.2.pid');
    writeFileSync(join(dir, 'blog-server.pid'), '999999999\n');
    assert.equal(writePidFile(dir, undefined), join(dir, 'blog-server.pid'));
    assert.equal(readFileSync(join(dir, 'blog-server.pid'), 'utf8'), `${process.pid}\n`);
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    writeFileSync(join(dir, 'blog-server.1.pid'), `${sleeper.pid}\n`);
    assert.throws(() => writePidFile(dir, '1'), { name: 'ConfigError', message: new RegExp(`^LOG_DIR: .*blog-server\\.1\\.pid names the running process ${sleeper.pid}: two servers would write one access log`) });
  } finally {
    sleeper.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGHUP reopens the logs instead of ending the process; dispose stops listening and removes the PID file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blog-server-pid-'));
  try {
    let reopened = 0;
    const watch = reopenLogsOnHangup({ reopenLogs: async () => void reopened++ }, quiet, { logDir: dir, instance: undefined });
    assert.ok(existsSync(join(dir, 'blog-server.pid')));
    process.kill(process.pid, 'SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(reopened, 1);
    watch.dispose();
    assert.ok(!existsSync(join(dir, 'blog-server.pid')));
    assert.equal(process.listenerCount('SIGHUP'), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
