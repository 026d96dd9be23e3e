/**
 * The application log: one record per line with ISO time and level, info on stdout and problems on
 * stderr, an error's stack kept inside its record, no way for a message to forge a record; uncaught
 * errors become one record and exit 1; and the built `blog-server serve` writes its start, listening
 * and shutdown events in that format. Run `npm run build` first (the serve test spawns dist/).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createAppLog, escapeLogText, formatLogRecord, toAppLog } from '../../src/ops/app-log.ts';
import { exitOnUncaughtErrors, uncaughtExitCode } from '../../src/ops/process-errors.ts';
import { cliEntry } from '../helpers/cli.ts';

/** One whole record: time, level, name, text without a raw line break. */
const recordPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) (INFO |WARN |ERROR) blog-server: ([^\n\r\u2028\u2029]*)$/;

/** The lines of `output` (which must end with a newline), each checked to be one record. */
function records(output: string): { time: string; level: string; text: string }[] {
  assert.ok(output === '' || output.endsWith('\n'), `output ends with a newline: ${JSON.stringify(output)}`);
  return output.split('\n').slice(0, -1).map((line) => {
    const match = recordPattern.exec(line);
    assert.ok(match, `a record: ${JSON.stringify(line)}`);
    return { time: match[1]!, level: match[2]!.trim(), text: match[3]! };
  });
}

/** The escaped text of a record turned back into the original (the reverse the module documents). */
const unescape = (text: string): string => JSON.parse(`"${text.replaceAll('"', '\\"')}"`) as string;

const fixedTime = new Date('2026-12-01T12:00:00.000Z');

function capture() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = createAppLog({ stdout: { write: (text: string) => stdout.push(text) }, stderr: { write: (text: string) => stderr.push(text) }, now: () => fixedTime });
  return { log, stdout, stderr };
}

describe('app log records', () => {
  it('writes one line per event: ISO time, padded level, name, message', () => {
    assert.equal(formatLogRecord('info', 'listening on http://127.0.0.1:3000', undefined, fixedTime), '2026-12-01T12:00:00.000Z INFO  blog-server: listening on http://127.0.0.1:3000\n');
    assert.equal(formatLogRecord('warn', 'redis lost', undefined, fixedTime), '2026-12-01T12:00:00.000Z WARN  blog-server: redis lost\n');
    assert.equal(formatLogRecord('error', 'shutdown failed:', '', fixedTime), '2026-12-01T12:00:00.000Z ERROR blog-server: shutdown failed:\n');
  });

  it('sends info to stdout and warn/error to stderr, one write of a whole line each', () => {
    const { log, stdout, stderr } = capture();
    log.info('started');
    log.warn('backend lost', new Error('ECONNRESET'));
    log.error('unexpected error:', new Error('bug'));
    assert.deepEqual(stdout, ['2026-12-01T12:00:00.000Z INFO  blog-server: started\n']);
    assert.equal(stderr.length, 2);
    assert.deepEqual(records(stderr.join('')).map((record) => record.level), ['WARN', 'ERROR']);
    for (const write of stderr) assert.equal(write.indexOf('\n'), write.length - 1, 'one line per write');
  });

  it('keeps the stack and the causes inside the one record', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const error = new Error('SERVICE_UNAVAILABLE', { cause });
    const [record] = records(formatLogRecord('error', 'SERVICE_UNAVAILABLE:', error, fixedTime));
    const original = unescape(record!.text);
    assert.ok(original.startsWith(`SERVICE_UNAVAILABLE: ${error.stack!}`), original);
    assert.match(original, /\ncaused by: Error: connect ECONNREFUSED\n {4}at /);
    assert.match(record!.text, /\\n {4}at /, 'stack lines are escaped, not raw');
    const coded = Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR' });
    assert.match(unescape(records(formatLogRecord('error', 'failed', coded, fixedTime))[0]!.text), /^failed: Error: Access denied\n[\s\S]*\n {4}code: ER_ACCESS_DENIED_ERROR$/);
  });

  it('never lets a message or an error forge a second record or drive a terminal', () => {
    const forged = 'login of x\n2026-12-01T12:00:00.000Z INFO  blog-server: admin logged in';
    for (const text of [forged, forged.replace('\n', '\r'), forged.replace('\n', '\r\n'), forged.replace('\n', '\u2028'), 'name \u001b[2J\u001b[31mred', 'back\\nslash']) {
      const output = formatLogRecord('info', text, undefined, fixedTime) + formatLogRecord('error', 'failed:', new Error(text), fixedTime);
      const [info, error] = records(output);
      assert.equal(records(output).length, 2);
      assert.equal(unescape(info!.text), text, 'the escaping is reversible');
      assert.ok(unescape(error!.text).startsWith(`failed: Error: ${text}\n`));
      // eslint-disable-next-line no-control-regex -- the point: no control character reaches the file
      for (const record of [info!, error!]) assert.doesNotMatch(record.text, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }
    assert.equal(escapeLogText('a\\n'), 'a\\\\n', 'a literal backslash-n stays distinguishable from a newline');
  });

  it('describes thrown values that are not errors, and survives a cycle of causes', () => {
    assert.equal(records(formatLogRecord('error', 'unexpected error:', 'a string', fixedTime))[0]!.text, "unexpected error: 'a string'");
    assert.equal(records(formatLogRecord('error', 'unexpected error:', { status: 7 }, fixedTime))[0]!.text, 'unexpected error: { status: 7 }');
    const looped = new Error('a');
    looped.cause = looped;
    assert.equal(unescape(records(formatLogRecord('error', 'x:', looped, fixedTime))[0]!.text).split('caused by:').length - 1, 5, 'five causes, then it stops');
    const refused = Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:1'), new Error('connect ECONNREFUSED 127.0.0.1:1')]), { code: 'ECONNREFUSED' });
    refused.errors.push(refused);
    const text = unescape(records(formatLogRecord('error', 'x:', refused, fixedTime))[0]!.text);
    assert.match(text, /^x: AggregateError\n {4}at [\s\S]*\n {4}code: ECONNREFUSED\n {2}\[errors 0\] Error: connect ECONNREFUSED ::1:1\n[\s\S]*\[errors 1\] Error: connect ECONNREFUSED 127\.0\.0\.1:1\n/);
    assert.ok(text.length < 100_000, 'a cycle of inner errors stops too');
  });

  it('turns a plain (message, error) function into an app log that gets every level', () => {
    const seen: [string, unknown][] = [];
    const log = toAppLog((message, error) => seen.push([message, error]));
    log.info('up');
    log.warn('lost');
    log.error('failed:', 42);
    assert.deepEqual(seen, [['up', ''], ['lost', ''], ['failed:', 42]]);
  });
});

describe('uncaught errors', () => {
  it('log one error record and exit once, even when a second one follows', () => {
    const source = new EventEmitter();
    const exits: number[] = [];
    const { log, stdout, stderr } = capture();
    exitOnUncaughtErrors(log, { source, exit: (code) => exits.push(code) });
    source.emit('uncaughtException', new Error('first'));
    source.emit('unhandledRejection', new Error('second'));
    assert.deepEqual(exits, [uncaughtExitCode]);
    assert.deepEqual(stdout, []);
    const logged = records(stderr.join(''));
    assert.deepEqual(logged.map((record) => record.level), ['ERROR', 'ERROR']);
    assert.match(logged[0]!.text, /^uncaught exception, exiting: Error: first\\n {4}at /);
    assert.match(logged[1]!.text, /^unhandled promise rejection, exiting: Error: second\\n {4}at /);
  });

  for (const [kind, what] of [['exception', 'uncaught exception'], ['rejection', 'unhandled promise rejection']] as const) {
    it(`end a real process on an uncaught ${kind}: exit 1, one record on stderr with the stack and cause`, async () => {
      const fixture = fileURLToPath(new URL('fixtures/uncaught.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, kind], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      assert.equal(code, 1, stderr);
      assert.equal(stdout, '');
      const logged = records(stderr);
      assert.equal(logged.length, 1, 'the forged line inside the message stays inside the record');
      assert.equal(logged[0]!.level, 'ERROR');
      const original = unescape(logged[0]!.text);
      assert.ok(original.startsWith(`${what}, exiting: Error: boom\n2026-12-01T00:00:00.000Z INFO  blog-server: forged\n    at `), original);
      assert.match(original, /uncaught\.ts:\d+:\d+/, 'the stack names the file that threw');
      assert.match(original, /\ncaused by: Error: the cause\n/);
    });
  }
});

describe('blog-server serve', () => {
  const directory = mkdtempSync(join(tmpdir(), 'blog-server-app-log-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('writes start, migrations, listening and shutdown as records on stdout, nothing on stderr', async () => {
    const child = spawn(process.execPath, [cliEntry, 'serve', '--port', '0', '--host', '127.0.0.1'], {
      cwd: directory,
      env: { ...process.env, NODE_ENV: 'test', ACCESS_LOG: 'off', DEMO_DATA: 'true', DATABASE_URL: join(directory, 'blog.db'), SESSION_STORE: 'memory' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
        if (found) resolve(found);
      });
      void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stdout}${stderr}`)));
    });
    assert.equal((await fetch(`${url}/api/blog/list`)).status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.equal(stderr, '');
    const logged = records(stdout);
    assert.ok(logged.every((record) => record.level === 'INFO'));
    assert.ok(logged.every((record, index) => index === 0 || record.time >= logged[index - 1]!.time), 'in time order');
    const texts = logged.map((record) => record.text);
    const expected = [
      /^starting \(pid \d+, node v\d+\.\d+\.\d+, test\)$/,
      /^applied migrations \S+/,
      /^empty database, created demo users zhangsan, lisi/,
      /^listening on http:\/\/127\.0\.0\.1:\d+ \(engine native, sqlite .*, sessions memory, test\)$/,
      /^SIGTERM, finishing in-flight requests$/,
      /^stopped: in-flight requests finished, connections closed$/,
    ];
    assert.equal(texts.length, expected.length, texts.join('\n'));
    expected.forEach((pattern, index) => assert.match(texts[index]!, pattern));
  });
});
