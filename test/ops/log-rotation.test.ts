/**
 * Rotation that loses no line: two processes (PM2 instances 0 and 1, one file each, in one folder)
 * write numbered lines through src/ops/log-file.ts while the test moves their clocks across five
 * midnights, with a size limit that rotates several times a day. Every line lands exactly once,
 * whole, in order, in a file named for the day the line carries; rotated files are gzipped (no
 * plain or partial file left) and days older than LOG_KEEP_DAYS are removed.
 */
import { strict as assert } from 'node:assert';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { LogFile } from '../../src/ops/log-file.ts';
import { localDay, rotatedFilesOf } from '../../src/ops/log-names.ts';
import type { WriterMessage } from './fixtures/log-writer.ts';

const fixture = fileURLToPath(new URL('./fixtures/log-writer.ts', import.meta.url));
const line = /^instance=(\d) n=(\d+) day=(\d{4}-\d{2}-\d{2}) x*$/;

interface Writer {
  child: ChildProcess;
  send(message: WriterMessage): Promise<void>;
}

function startWriter(dir: string, instance: string, startAt: number, maxBytes: number, keepDays: number): Promise<Writer> {
  const child = fork(fixture, [dir, instance, String(startAt), String(maxBytes), String(keepDays)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // Answers by message type: a `clock` is answered while a `write` is still going on.
  const waiting = new Map<string, (() => void)[]>();
  child.on('message', (message: { done: string }) => waiting.get(message.done)?.shift()?.());
  const answer = (expected: string) =>
    new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`log writer ${instance} exited with ${code} waiting for ${expected}`));
      child.once('exit', onExit);
      waiting.set(expected, [...(waiting.get(expected) ?? []), () => {
        child.off('exit', onExit);
        resolve();
      }]);
    });
  const ready = answer('ready');
  const writer: Writer = {
    child,
    send(message) {
      const type = Object.keys(message)[0] ?? '';
      const done = answer(type);
      child.send(message);
      return done;
    },
  };
  return ready.then(() => writer);
}

/** The lines of every log file in `dir` by name (gzipped ones unzipped). */
function readLogs(dir: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const name of readdirSync(dir)) {
    const raw = readFileSync(join(dir, name));
    const text = name.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    const lines = text.split('\n');
    assert.equal(lines.pop(), '', `${name} ends with a whole line`);
    files.set(name, lines);
  }
  return files;
}

test('two processes across five midnights and size rotations: every line once, whole, in its day, gzipped, old days removed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blog-server-rotation-'));
  const start = new Date(2026, 2, 26, 10).getTime(); // across the end of March: a DST change in many zones
  const days = 6;
  const keepDays = 2;
  const linesPerStep = 500;
  const writers = await Promise.all(['0', '1'].map((instance) => startWriter(dir, instance, start, 6_000, keepDays)));
  // Every file ever seen, by name: a rotated file never changes once gzipped, and retention removes it later.
  const seen = new Map<string, string[]>();
  const remember = () => {
    for (const [name, lines] of readLogs(dir)) {
      if (!name.endsWith('.gz')) continue;
      const before = seen.get(name);
      if (before) assert.deepEqual(lines, before, `${name} changed after it was gzipped`);
      seen.set(name, lines);
    }
  };
  try {
    for (let step = 0; step < days; step++) {
      // The clock moves to the next day while the lines are being written: some lines carry the old
      // day, the rest the new one.
      const at = new Date(2026, 2, 26 + step + 1, 0, 0, 0, 5).getTime();
      await Promise.all(writers.map(async (writer) => {
        const written = writer.send({ write: linesPerStep });
        await writer.send({ clock: at - 10 });
        await writer.send({ clock: at });
        await written;
        await writer.send({ settle: true });
      }));
      remember();
      const plain = [...readLogs(dir).keys()].filter((name) => /\d{4}-\d{2}-\d{2}(\.\d+)?\.log$|partial$/.test(name));
      assert.deepEqual(plain, [], 'every rotated file is gzipped once settled');
    }
    await Promise.all(writers.map((writer) => writer.send({ close: true })));
  } finally {
    for (const { child } of writers) child.kill();
  }
  try {
    const final = readLogs(dir);
    const oldestKept = localDay(new Date(2026, 2, 26 + days - keepDays).getTime());
    for (const instance of ['0', '1']) {
      const rotated = rotatedFilesOf(`access.${instance}`);
      const files = [...seen.keys()].map(rotated).filter((file) => file !== undefined);
      assert.ok(files.length > days && files.some(({ sequence }) => sequence > 0), `rotations by day and by size for instance ${instance}: ${files.map(({ name }) => name).join(' ')}`);
      for (const file of files) assert.equal(final.has(file.name), file.day >= oldestKept, `${file.name} kept only if not older than ${oldestKept}`);
      files.sort((a, b) => (a.day === b.day ? a.sequence - b.sequence : a.day < b.day ? -1 : 1));
      const ordered = [...files.map((file) => ({ name: file.name, day: file.day, lines: seen.get(file.name) ?? [] })), { name: `access.${instance}.log`, day: localDay(new Date(2026, 2, 26 + days).getTime()), lines: final.get(`access.${instance}.log`) ?? [] }];
      let expected = 0;
      for (const { name, day: fileDay, lines } of ordered) {
        for (const text of lines) {
          const fields = line.exec(text);
          assert.ok(fields, `a whole line in ${name}: ${JSON.stringify(text)}`);
          assert.equal(fields[1], instance, `${name} holds instance ${instance}'s lines only`);
          assert.equal(Number(fields[2]), expected, `line ${expected} next, in ${name}`);
          assert.equal(fields[3], fileDay, `${text} in ${name}`);
          expected++;
        }
      }
      assert.equal(expected, days * linesPerStep, `every line of instance ${instance}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file left from an earlier day is rotated at start under that day, and an unfinished gzip is redone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blog-server-rotation-'));
  try {
    const yesterday = new Date(2026, 5, 9, 22).getTime();
    writeFileSync(join(dir, 'access.log'), 'left from yesterday\n');
    utimesSync(join(dir, 'access.log'), yesterday / 1000, yesterday / 1000);
    // A crash during gzip of an older file: its plain file and a partial gzip remain.
    writeFileSync(join(dir, 'access.2026-06-08.log'), 'older\n');
    writeFileSync(join(dir, 'access.2026-06-08.log.gz.partial'), 'cut');
    const file = new LogFile({ dir, base: 'access', rotate: 'daily', maxBytes: 0, keepDays: 7, clock: () => new Date(2026, 5, 10, 8).getTime(), onError: (message, error) => assert.fail(`${message} ${String(error)}`) });
    file.write('today\n');
    await file.settled();
    await file.close();
    const logs = readLogs(dir);
    assert.deepEqual([...logs.keys()].sort(), ['access.2026-06-08.log.gz', 'access.2026-06-09.log.gz', 'access.log']);
    assert.deepEqual(logs.get('access.2026-06-09.log.gz'), ['left from yesterday']);
    assert.deepEqual(logs.get('access.2026-06-08.log.gz'), ['older']);
    assert.deepEqual(logs.get('access.log'), ['today']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
