/** Progress of a long transfer: a bar redrawn on stderr at most every 200 ms on a terminal, nothing otherwise. */

export interface Progress {
  /** Starts a stage: `verb` (`backing up`), what (`blogs`), and how many rows it will pass, when known. */
  stage(verb: string, what: string, total: number | undefined): void;
  advance(rows: number): void;
  /** Clears the line. */
  done(): void;
}

export const silentProgress: Progress = { stage: () => {}, advance: () => {}, done: () => {} };

const width = 24;

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  let label = '';
  let total: number | undefined;
  let passed = 0;
  let shown = 0;
  let drawn = false;
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - shown < 200) return;
    shown = now;
    drawn = true;
    const numbers = total === undefined ? passed.toLocaleString('en-US') : `${passed.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`;
    const share = total === undefined || total === 0 ? undefined : Math.min(1, passed / total);
    const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${Math.floor(share * 100)} % `;
    stream.write(`\r\x1b[K${label} ${bar}${numbers} rows`);
  };
  return {
    stage(verb, what, rows) {
      label = `${verb} ${what}`;
      total = rows;
      passed = 0;
      draw(true);
    },
    advance(rows) {
      passed += rows;
      draw(false);
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
