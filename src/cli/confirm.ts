/** The question asked before data is overwritten: on a terminal only; `--yes` answers it for scripts and cron. */
import { createInterface } from 'node:readline/promises';

/** Thrown when the user says no, or when there is no terminal to ask and no --yes. */
export class NotConfirmedError extends Error {}

/** Resolves once overwriting `what` is confirmed: by `yes`, or by "y" typed at the terminal. */
export async function confirmOverwrite(what: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY || !process.stderr.isTTY) throw new NotConfirmedError(`this would overwrite ${what}; there is no terminal to ask, pass --yes to confirm`);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`This overwrites ${what}. Continue? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new NotConfirmedError('nothing was changed (not confirmed)');
  } finally {
    prompt.close();
  }
}
