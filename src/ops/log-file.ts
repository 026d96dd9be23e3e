/**
 * A log file that costs almost nothing per line and rotates without losing, duplicating or splitting
 * one. Lines are encoded once into a byte batch in memory (src/ops/byte-batch.ts) and handed to
 * sonic-boom (pino's writer, in its Buffer mode: partial writes, EAGAIN, reopen) in batches: when
 * the batch reaches `batchBytes`, or `flushIntervalMs` after its first line, so a quiet server's
 * lines reach the file soon. (The batch is ours rather than sonic-boom's `minLength` +
 * `periodicFlush`: those write an empty chunk every period even when idle.) Each batch is written
 * synchronously, as pino's default destination and nginx's buffered `access_log` write: one
 * `write(2)` of 16 KiB into the page cache takes ~12 µs on the event loop, where handing it to
 * libuv's thread pool and back cost the served detail read ~1.8 µs a request more
 * (docs/benchmark.md). The price: a disk that stalls a write stalls the event loop as long — as
 * better-sqlite3's commits on the same disk already do. A crash (kill -9) loses at most the batch
 * not written yet: the lines of the last `flushIntervalMs`. `close()` writes everything and closes
 * the file; an `exit` of the process without it writes the batch synchronously.
 *
 * Rotation (at local midnight with `rotate: 'daily'`, and when the file passes `maxBytes`) and
 * `reopen()` (SIGHUP, after logrotate or deploy/split-logs.sh renamed the file) work the same way,
 * between whole lines: new lines are held in memory; everything handed over before is written to the
 * old file (sonic-boom's flush callback); only then is the file renamed (rotation) and reopened, and
 * the held lines go to the new file. sonic-boom's own `reopen()` alone would send what it still
 * holds (the rest of a write that failed, to be retried) to the new file — a line of yesterday in
 * today's file —, which is why it is called only once nothing is queued. Each process writes its
 * own file (PM2 instance in the name), so rotations never race between processes.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
// A CommonJS module: its named export exists at run time only as a property of the default one.
import sonicBoom, { type SonicBoom } from 'sonic-boom';
import { ByteBatch } from './byte-batch.ts';
import { archiveLogs } from './log-archive.ts';
import { activeLogName, localDay, nextLocalMidnight, prefixOf, rotatedLogName } from './log-names.ts';

declare module 'sonic-boom' {
  interface SonicBoom {
    /** In Buffer mode (`contentMode: 'buffer'`), which sonic-boom's typings leave out. */
    write(chunk: Buffer): boolean;
  }
}

export type LogRotation = 'daily' | 'off';

export interface LogFileOptions {
  dir: string;
  /** `access` → `access.log`. */
  base: string;
  /** PM2's `NODE_APP_INSTANCE`: the process writes `access.<instance>.log`. */
  instance?: string | undefined;
  /** `daily`: at local midnight (and by `maxBytes`), then gzip and retention; `off`: an outside tool rotates (SIGHUP reopens). */
  rotate: LogRotation;
  /** Also rotate when the file passes this many bytes; 0: never. */
  maxBytes: number;
  /** Days of rotated files kept besides today's; 0 keeps all. */
  keepDays: number;
  /** Batch size handed to the writer. @default 16 KiB */
  batchBytes?: number;
  /** The longest a line waits in memory. @default 25 */
  flushIntervalMs?: number;
  /** Milliseconds since the epoch; tests drive their own. @default Date.now */
  clock?: () => number;
  /** Write failures and failed archiving; the file keeps working where it can. */
  onError(message: string, error: unknown): void;
}

/** @default batchBytes, flushIntervalMs: the crash-loss bound documented in README "Access logs". */
export const logFileDefaults = { batchBytes: 16 * 1024, flushIntervalMs: 25 } as const;

export class LogFile {
  readonly path: string;
  readonly #options: LogFileOptions;
  readonly #prefix: string;
  readonly #clock: () => number;
  readonly #batchBytes: number;
  readonly #flushIntervalMs: number;
  readonly #writer: SonicBoom;
  readonly #batch: ByteBatch;
  /** Buffers handed to the writer and not yet written out, oldest first, with the writer's byte count at which each is. */
  readonly #inFlight: { buffer: Buffer; writtenAt: number }[] = [];
  #handedBytes = 0;
  #writtenBytes = 0;
  #bytes: number;
  #timer: NodeJS.Timeout | undefined;
  #midnightTimer: NodeJS.Timeout | undefined;
  /** While a rotation or reopen waits for the old file to be complete, lines stay in `#batch`. */
  #switchesPending = 0;
  #ended = false;
  #nextMidnight: number;
  #periodStart: number;
  /** Rotations and reopens, one after the other. */
  #switching: Promise<void> = Promise.resolve();
  #archiving: Promise<void> = Promise.resolve();
  readonly #stopArchiving = new AbortController();
  #closed: Promise<void> | undefined;
  readonly #flushOnExit = () => this.flushSync();

  /** Opens (creating `dir`) the active file; a file left from an earlier day is rotated first. Throws if it cannot be opened. */
  constructor(options: LogFileOptions) {
    this.#options = options;
    this.#prefix = prefixOf(options.base, options.instance);
    this.#clock = options.clock ?? Date.now;
    this.#batchBytes = options.batchBytes ?? logFileDefaults.batchBytes;
    this.#flushIntervalMs = options.flushIntervalMs ?? logFileDefaults.flushIntervalMs;
    // Room for a batch and the line that completes it.
    this.#batch = new ByteBatch(2 * this.#batchBytes);
    this.path = join(options.dir, activeLogName(options.base, options.instance));
    mkdirSync(options.dir, { recursive: true });
    const now = this.#clock();
    this.#periodStart = now;
    this.#nextMidnight = options.rotate === 'daily' ? nextLocalMidnight(now) : Infinity;
    if (options.rotate === 'daily' && existsSync(this.path)) {
      const { mtimeMs, size } = statSync(this.path);
      if (size > 0 && localDay(mtimeMs) !== localDay(now)) renameSync(this.path, this.#freeRotatedPath(localDay(mtimeMs)));
    }
    // Opened once synchronously so that a folder we may not write to fails the start with its reason.
    closeSync(openSync(this.path, 'a'));
    this.#bytes = statSync(this.path).size;
    this.#writer = new sonicBoom.SonicBoom({ dest: this.path, append: true, sync: true, minLength: 0, contentMode: 'buffer' });
    this.#writer.on('error', (error: unknown) => options.onError(`cannot write ${this.path}`, error));
    this.#writer.on('write', this.#onWritten);
    process.on('exit', this.#flushOnExit);
    if (options.rotate === 'daily') {
      this.#archive();
      this.#armMidnightTimer();
    }
  }

  /** Appends one whole line (ending in `\n`) written at `at` (the time it carries, so it lands in that day's file). */
  write(line: string, at: number = this.#clock()): void {
    if (at >= this.#nextMidnight) this.#rotate('daily', at);
    this.#bytes += this.#batch.append(line);
    if (this.#switchesPending > 0) return;
    if (this.#options.maxBytes > 0 && this.#bytes >= this.#options.maxBytes) {
      this.#rotate('size', at);
    } else if (this.#batch.bytes >= this.#batchBytes) {
      this.#handOver();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(this.#onFlushTimer, this.#flushIntervalMs).unref();
    }
  }

  /** Rotates at midnight even when no line comes (a test clock: call it after moving the clock). */
  rotateIfDue(): void {
    const now = this.#clock();
    if (now >= this.#nextMidnight) this.#rotate('daily', now);
  }

  /** Starts writing to a new file at `path` once every earlier line is in the old one (SIGHUP). */
  reopen(): Promise<void> {
    return this.#switch(() => {});
  }

  /** Resolves when no rotation, reopen or archiving is running (tests). */
  async settled(): Promise<void> {
    let switching: Promise<void>;
    let archiving: Promise<void>;
    do {
      switching = this.#switching;
      archiving = this.#archiving;
      await Promise.all([switching, archiving]);
    } while (switching !== this.#switching || archiving !== this.#archiving);
  }

  /** Writes everything, closes the file; a gzip in progress is stopped (the next start does it again). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      clearTimeout(this.#midnightTimer);
      this.#stopArchiving.abort();
      await this.#switching;
      clearTimeout(this.#timer);
      this.#handOver();
      this.#ended = true;
      process.off('exit', this.#flushOnExit);
      await new Promise<void>((resolve) => {
        this.#writer.once('close', () => resolve());
        this.#writer.end();
      });
      await this.#archiving;
    })();
    return this.#closed;
  }

  /** Writes what is in memory now, synchronously (process exit without `close()`). */
  flushSync(): void {
    if (this.#ended) return;
    this.#handOver();
    try {
      this.#writer.flushSync();
    } catch (error) {
      this.#options.onError(`cannot write ${this.path}`, error);
    }
  }

  readonly #onFlushTimer = () => {
    this.#timer = undefined;
    if (this.#switchesPending === 0) this.#handOver();
  };

  #handOver(): void {
    if (this.#batch.bytes === 0 || this.#ended) return;
    this.#writeAll(this.#batch.take());
  }

  #writeAll(chunks: readonly Buffer[]): void {
    for (const chunk of chunks) {
      this.#handedBytes += chunk.length;
      this.#inFlight.push({ buffer: chunk, writtenAt: this.#handedBytes });
      this.#writer.write(chunk);
    }
  }

  /** sonic-boom writes in order and reports each write's bytes: a buffer wholly written goes back to the batch to be filled again. */
  readonly #onWritten = (bytes: number) => {
    this.#writtenBytes += bytes;
    while (this.#inFlight.length > 0 && this.#inFlight[0]!.writtenAt <= this.#writtenBytes) this.#batch.recycle(this.#inFlight.shift()!.buffer);
  };

  #rotate(reason: 'daily' | 'size', at: number): void {
    const day = localDay(reason === 'daily' ? this.#periodStart : at);
    if (reason === 'daily') {
      this.#periodStart = at;
      this.#nextMidnight = nextLocalMidnight(at);
      // A day without a line leaves no file (the midnight timer of a quiet server).
      if (this.#bytes === 0 && this.#switchesPending === 0) return;
    }
    // The lines counted so far go to the old file; whatever comes from now on counts for the new one.
    this.#bytes = 0;
    void this.#switch(() => renameSync(this.path, this.#freeRotatedPath(day))).then(() => this.#archive());
  }

  /**
   * Switches files between whole lines: the lines written so far (`earlier`, taken now) go to the
   * current file; once sonic-boom has written all of them, `between` runs (a rename) and the file is
   * reopened; the lines written meanwhile were held in `#batch` and go to the new file. Switches
   * queue: each one's earlier lines are those written since the one before.
   */
  #switch(between: () => void): Promise<void> {
    const earlier = this.#batch.take();
    this.#switchesPending++;
    const switched = this.#switching.then(async () => {
      try {
        if (this.#ended) return;
        this.#writeAll(earlier);
        await new Promise<void>((resolve) => this.#writer.flush(() => resolve()));
        try {
          between();
        } catch (error) {
          this.#options.onError(`cannot rotate ${this.path}`, error);
        }
        await new Promise<void>((resolve, reject) => {
          const onError = (error: unknown) => {
            this.#writer.off('ready', onReady);
            reject(error instanceof Error ? error : new Error(String(error)));
          };
          const onReady = () => {
            this.#writer.off('error', onError);
            resolve();
          };
          this.#writer.once('ready', onReady);
          this.#writer.once('error', onError);
          this.#writer.reopen();
        });
        this.#bytes = statSync(this.path).size + this.#batch.bytes;
      } catch (error) {
        this.#options.onError(`cannot reopen ${this.path}`, error);
      } finally {
        this.#switchesPending--;
        if (this.#switchesPending === 0) this.#handOver();
      }
    });
    this.#switching = switched;
    return switched;
  }

  /** `access.<day>.log`, or `.1`, `.2`… when that name (or its gzip) is taken. */
  #freeRotatedPath(day: string): string {
    for (let sequence = 0; ; sequence++) {
      const candidate = join(this.#options.dir, rotatedLogName(this.#prefix, day, sequence));
      if (!existsSync(candidate) && !existsSync(`${candidate}.gz`)) return candidate;
    }
  }

  #archive(): void {
    const { dir, keepDays } = this.#options;
    this.#archiving = this.#archiving
      .then(() => archiveLogs({ dir, prefix: this.#prefix, keepDays, now: this.#clock(), signal: this.#stopArchiving.signal }))
      .catch((error: unknown) => {
        if (!this.#stopArchiving.signal.aborted) this.#options.onError(`cannot archive the rotated logs in ${dir}`, error);
      });
  }

  #armMidnightTimer(): void {
    const delay = Math.min(Math.max(this.#nextMidnight - this.#clock(), 0), 2 ** 31 - 1);
    this.#midnightTimer = setTimeout(() => {
      this.rotateIfDue();
      this.#armMidnightTimer();
    }, delay + 1).unref();
  }
}
