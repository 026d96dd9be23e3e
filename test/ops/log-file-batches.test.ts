/**
 * The batches of a LogFile: the chunks written out are filled again (src/ops/byte-batch.ts), so a
 * chunk taken back before sonic-boom has written all of it would overwrite lines still on their way
 * to the file. Lines in bursts — lines of every length, multi-byte text, lines longer than a chunk,
 * many batches between turns of the event loop — must all reach the file whole and in order. (With
 * the writer asynchronous, as it was until the batches were written synchronously, giving a chunk
 * back at hand-over instead of after its write failed this test.)
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogFile } from '../../src/ops/log-file.ts';

const lineOf = (n: number) => {
  const text = n % 97 === 0 ? 'x'.repeat(5_000 + n) : n % 7 === 0 ? `日志😀${'é'.repeat(n % 300)}` : 'a'.repeat(n % 211);
  return `${n} ${text} ${n}\n`;
};

test('lines written in bursts faster than the file takes them all arrive whole, once and in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blog-server-batches-'));
  const errors: unknown[] = [];
  try {
    const file = new LogFile({ dir, base: 'access', rotate: 'off', maxBytes: 0, keepDays: 0, batchBytes: 4096, flushIntervalMs: 1, onError: (_message, error) => errors.push(error) });
    const expected: string[] = [];
    for (let burst = 0; burst < 200; burst++) {
      for (let index = 0; index < 100; index++) {
        const line = lineOf(burst * 100 + index);
        expected.push(line);
        file.write(line);
      }
      // Now and then a turn of the event loop, so that some writes complete between bursts and their chunks come back.
      if (burst % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await file.close();
    assert.deepEqual(errors, []);
    const written = readFileSync(file.path, 'utf8');
    assert.equal(written.length, expected.join('').length);
    assert.ok(written === expected.join(''), 'the file is the lines, in order');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
