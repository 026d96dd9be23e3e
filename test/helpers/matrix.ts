/**
 * The contract matrix: which engine × storage × session store combinations the contract suite runs
 * against. Every engine runs on every storage and every session store at least once.
 * `CONTRACT_ENGINES`, `CONTRACT_STORAGES`, `CONTRACT_SESSION_STORES` (comma lists) narrow it.
 */
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { startTestServer, type TestServer, type TestServerOptions } from './start-server.ts';

export interface MatrixCell {
  name: string;
  engine: string;
  storage: string;
  sessionStore: string;
  /** Starts a server of this cell; `extra` adds options (env overrides, a reused data directory). */
  start(extra?: TestServerOptions): Promise<TestServer>;
}

function chosen<T extends string>(variable: string, all: readonly T[]): T[] {
  const wanted = process.env[variable]?.split(',').map((name) => name.trim()).filter(Boolean);
  return wanted ? all.filter((name) => wanted.includes(name)) : [...all];
}

const storages = ['sqlite'] as const;
const sessionStores = ['memory', 'sqlite'] as const;

export function contractMatrix(): MatrixCell[] {
  const engines = chosen('CONTRACT_ENGINES', ENGINE_NAMES);
  const cells: MatrixCell[] = [];
  for (const engine of engines) {
    for (const storage of chosen('CONTRACT_STORAGES', storages)) {
      for (const sessionStore of chosen('CONTRACT_SESSION_STORES', sessionStores)) {
        cells.push({
          name: `${engine} × ${storage} × ${sessionStore} sessions`,
          engine,
          storage,
          sessionStore,
          start: (extra = {}) => startTestServer({ engine, sessionStore, ...extra }),
        });
      }
    }
  }
  return cells;
}
