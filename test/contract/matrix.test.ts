/** Runs the contract suite against every cell of the matrix (engine × storage × session store). */
import { contractMatrix } from '../helpers/matrix.ts';
import { runContract } from './contract.ts';

for (const cell of contractMatrix()) runContract(cell);
