// Autosave: while the text changes, the editor sends it to POST /api/blog/autosave every few seconds
// (at most one request in flight), so a closed tab, a crash or a lost connection loses at most those
// seconds. The indicator says what happened, in a polite live region.
import { showMessage } from '../dom.ts';
import { clockTime } from '../format.ts';

export const AUTOSAVE_INTERVAL_MS = 3000;

export type AutosaveOutcome =
  | { ok: true; time: number }
  | { ok: false; message: string; retry: boolean };

/** Saves the current text; undefined when there is nothing that can be saved yet (no title). */
export type AutosaveCall = () => Promise<AutosaveOutcome> | undefined;

export interface Autosaver {
  /** The text changed: an autosave follows within AUTOSAVE_INTERVAL_MS. */
  changed(): void;
  /** Saves now if anything is unsaved, and waits for any autosave in flight. */
  flush(): Promise<void>;
  /** Stops the timer and waits for the autosave in flight (before a real save). */
  pause(): Promise<void>;
  /** After a failed real save: carries on if something is still unsaved. */
  resume(): void;
  /** The text is saved another way (a real save, a restore): nothing pending. */
  reset(): void;
}

export function createAutosaver(save: AutosaveCall, indicator: HTMLElement, waitingText: string): Autosaver {
  let dirty = false;
  let paused = false;
  let timer: number | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = (): void => {
    if (timer !== undefined || inFlight !== undefined || paused) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      void run();
    }, AUTOSAVE_INTERVAL_MS);
  };
  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  const run = (): Promise<void> => {
    if (!dirty) return inFlight ?? Promise.resolve();
    const pending = save();
    if (pending === undefined) {
      showMessage(indicator, waitingText);
      return Promise.resolve();
    }
    dirty = false;
    indicator.dataset.state = 'saving';
    showMessage(indicator, '自动保存中…');
    inFlight = pending.then((outcome) => {
      inFlight = undefined;
      if (outcome.ok) {
        indicator.dataset.state = 'saved';
        showMessage(indicator, `已自动保存 ${clockTime(outcome.time)}`);
        if (dirty) schedule();
        return;
      }
      dirty = true;
      indicator.dataset.state = 'failed';
      showMessage(indicator, `自动保存失败：${outcome.message}`);
      // A lost connection or a server error may pass; a refusal (too long, no session) waits for the next edit.
      if (outcome.retry) schedule();
    });
    return inFlight;
  };

  return {
    changed() {
      dirty = true;
      schedule();
    },
    async flush() {
      cancel();
      await inFlight;
      await run();
    },
    async pause() {
      paused = true;
      cancel();
      await inFlight;
    },
    resume() {
      paused = false;
      if (dirty) schedule();
    },
    reset() {
      cancel();
      dirty = false;
      delete indicator.dataset.state;
      showMessage(indicator, '');
    },
  };
}
