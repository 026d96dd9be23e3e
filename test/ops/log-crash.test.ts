/**
 * What a crash costs: `blog-server serve` killed with SIGKILL loses at most the lines of the last
 * flush interval (README "Access logs"). Requests answered well before the kill — more than a flush
 * interval, then a quiet second — are all in the file, once; lines of the requests in flight at the
 * kill may be missing, but what is in the file is whole. Run `npm run build` first.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { logFileDefaults } from '../../src/ops/log-file.ts';
import { countNumbers, readAccessLogs, sendNumbered, startLoad, startServe } from './serve-child.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('kill -9 under load: the lines answered before the last flush interval are all there, and every line is whole', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'blog-server-crash-'));
  const logDir = join(dataDir, 'logs');
  try {
    const server = await startServe(dataDir, logDir);
    try {
      await sendNumbered(server.url, 0, 200);
      // Far more than one flush interval: the batch timer has fired, whatever the machine's load.
      await pause(Math.max(1_000, 40 * logFileDefaults.flushIntervalMs));
      const load = startLoad(server.url, { first: 1_000 });
      await pause(300);
      server.child.kill('SIGKILL');
      assert.equal(await server.exited, 'SIGKILL');
      await load.stop();
    } finally {
      server.child.kill('SIGKILL');
    }
    // readAccessLogs throws on a line that is not whole.
    const files = readAccessLogs(logDir);
    assert.deepEqual([...files.keys()], ['access.log']);
    const counts = countNumbers(files);
    for (let n = 0; n < 200; n++) assert.equal(counts.get(n), 1, `request ${n}, answered before the quiet second, logged once`);
    for (const [n, count] of counts) assert.equal(count, 1, `request ${n} logged once`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
