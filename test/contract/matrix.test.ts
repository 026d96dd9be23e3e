/**
 * Runs the contract suite against every cell of the matrix (engine × storage × session store). A
 * cell that cannot run here is one skipped test with its reason, counted in the closing `# skipped`.
 */
import { test } from 'node:test';
import { contractMatrix } from '../helpers/matrix.ts';
import { runContract } from './contract.ts';

for (const cell of contractMatrix()) {
  if (cell.skip === undefined) runContract(cell);
  else test(`contract: ${cell.name}`, { skip: cell.skip }, () => {});
}
