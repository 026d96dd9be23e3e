/**
 * Everything the harness must undo — child processes, temp directories, network databases — registered
 * as it is made, undone newest first at the end, on an error, or on Ctrl-C.
 */
type Task = () => Promise<void> | void;

interface Entry {
  name: string;
  task: Task;
  /** Synchronous last resort if the process exits before `task` ran (kill a child, remove a dir). */
  atExit: (() => void) | undefined;
}

const entries: Entry[] = [];
let closing = false;

process.on('exit', () => {
  for (const entry of entries) entry.atExit?.();
});

async function run(entry: Entry): Promise<void> {
  const index = entries.indexOf(entry);
  if (index === -1) return;
  entries.splice(index, 1);
  await entry.task();
}

/** Registers an undo step; the returned function runs it now (at most once) and unregisters it. */
export function onCleanup(name: string, task: Task, atExit?: () => void): () => Promise<void> {
  const entry: Entry = { name, task, atExit };
  entries.push(entry);
  return () => run(entry);
}

/** Whether cleanup has started: nothing new should be started after it. */
export function cleaningUp(): boolean {
  return closing;
}

/** Runs every registered step, newest first; a failing step is reported and the others still run. */
export async function cleanUpAll(): Promise<void> {
  closing = true;
  for (let entry = entries.at(-1); entry !== undefined; entry = entries.at(-1)) {
    try {
      await run(entry);
    } catch (error) {
      console.error(`bench: cleanup of ${entry.name} failed:`, error);
    }
  }
}
