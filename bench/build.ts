/** Makes sure `dist/` holds a build of the current `src/`: builds when it is missing or older. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './processes.ts';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Resolves the CLI path; builds with `npm run build` first when needed. */
export async function ensureBuilt(root: string): Promise<string> {
  const cli = join(root, 'dist', 'cli', 'main.js');
  const missing = !existsSync(cli);
  if (!missing && statSync(cli).mtimeMs >= newestMtime(join(root, 'src'))) return cli;
  console.log(missing ? 'bench: dist/cli/main.js is missing, running npm run build' : 'bench: src/ is newer than dist/, running npm run build');
  try {
    await runCommand('npm', ['run', 'build'], process.env, root);
  } catch (error) {
    if (missing || !existsSync(cli)) throw error;
    console.warn(`bench: the build failed, measuring the existing (older) dist/:\n${String(error)}`);
  }
  return cli;
}
