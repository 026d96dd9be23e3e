/** Polling for tests that wait on something outside their control (a backend coming back). */

/** Resolves once `check` returns true; rejects with `what` after `timeoutMs`, even if a check hangs. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = deadline - Date.now();
    const passed = remaining > 0 && (await timed(async () => check(), remaining).then(({ value }) => value, () => false));
    if (passed) return;
    if (Date.now() >= deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * How long `work` took, in ms, with its result. Rejects once `limitMs` has passed, so that a request
 * that hangs fails the test instead of stalling the run.
 */
export async function timed<T>(work: () => Promise<T>, limitMs: number): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${limitMs} ms`)), limitMs);
  });
  try {
    const value = await Promise.race([work(), limit]);
    return { value, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
