/** The progress line of a search-index build on stderr, redrawn at most every 200 ms, only on a terminal. */
import type { SearchProgress } from '../storage/search-index.ts';

export function searchProgressLine(): { update: SearchProgress; done(): void } {
  if (!process.stderr.isTTY) return { update: () => {}, done: () => {} };
  let shown = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - shown < 200 && done < total) return;
      shown = now;
      drawn = true;
      const share = total === 0 ? 100 : Math.floor((done / total) * 100);
      process.stderr.write(`\r\x1b[Kindexing posts for search: ${done} of ${total} (${share} %)`);
    },
    done: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}
