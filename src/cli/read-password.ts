/** Reads a password without it ever touching argv: a hidden prompt on a terminal, else stdin's first line. */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

async function readFirstLineOfStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

function promptHidden(question: string): Promise<string> {
  let muted = false;
  // Echo the question, then swallow what the user types.
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stdout.write(chunk);
      callback();
    },
  });
  const prompt = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    prompt.question(question, (answer) => {
      prompt.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export async function readPassword(question: string): Promise<string> {
  if (!process.stdin.isTTY) return readFirstLineOfStdin();
  const first = await promptHidden(question);
  const again = await promptHidden('Repeat it: ');
  if (first !== again) throw new Error('the two passwords differ');
  return first;
}
