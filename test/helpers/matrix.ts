/**
 * The contract matrix: which engine × storage × session store combinations the contract suite runs
 * against. By default every engine runs on SQLite with memory sessions; every other storage runs once,
 * on the first engine people deploy (native, with memory sessions), and every other session store runs
 * once (on SQLite), each on the next deployed engine (express, koa) — every engine on SQLite, every
 * database on one engine, every session store once, not the whole cube, to keep the run short on
 * 2 cores. The storage and session layers below the engine are shared, so one engine proves each;
 * the teaching engines (like-express, like-koa) run on SQLite only. `CONTRACT_ENGINES`,
 * `CONTRACT_STORAGES`, `CONTRACT_SESSION_STORES` (comma lists) narrow it; when a storage or
 * session-store list is given, or `CONTRACT_MATRIX=full`, every combination of the chosen ones runs.
 * Cells on MariaDB, PostgreSQL or Redis get a fresh database / key prefix per server.
 * A cell whose service is unreachable is listed with the reason to skip it (CI=true throws instead).
 */
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { createRedisPrefix, unreachableServices, createTestDatabase, type Service, type TestResource } from './databases.ts';
import { startTestServer, type TestServer, type TestServerOptions } from './start-server.ts';

export interface MatrixCell {
  name: string;
  engine: string;
  storage: string;
  sessionStore: string;
  /** Why the cell cannot run here (a service it needs is unreachable); undefined when it can. */
  skip: string | undefined;
  /** Starts a server of this cell; `extra` adds options (env overrides, a reused data directory). */
  start(extra?: TestServerOptions): Promise<TestServer>;
}

function chosen<T extends string>(variable: string, all: readonly T[]): T[] {
  const wanted = process.env[variable]?.split(',').map((name) => name.trim()).filter(Boolean);
  return wanted ? all.filter((name) => wanted.includes(name)) : [...all];
}

const storages = ['sqlite', 'mariadb', 'postgres'] as const;
const sessionStores = ['memory', 'sqlite', 'redis'] as const;
type Storage = (typeof storages)[number];
type SessionStoreName = (typeof sessionStores)[number];

const serviceOf: Partial<Record<Storage | SessionStoreName, Service>> = { mariadb: 'mariadb', postgres: 'postgres', redis: 'redis' };

/** The services a storage × session-store pair runs on. */
function servicesOf([storage, sessionStore]: [Storage, SessionStoreName]): Service[] {
  return [serviceOf[storage], serviceOf[sessionStore]].filter((service) => service !== undefined);
}

/** The engines that run on every backend; the teaching engines run on SQLite. */
const deployedEngines: ReadonlySet<string> = new Set(['native', 'express', 'koa']);

/** The engine × storage × session-store cells to run. */
function combinations(engines: readonly string[]): [string, Storage, SessionStoreName][] {
  const storageList = chosen('CONTRACT_STORAGES', storages);
  const storeList = chosen('CONTRACT_SESSION_STORES', sessionStores);
  const full = process.env.CONTRACT_MATRIX === 'full' || process.env.CONTRACT_STORAGES !== undefined || process.env.CONTRACT_SESSION_STORES !== undefined;
  if (full) return engines.flatMap((engine) => storageList.flatMap((storage) => storeList.map((store): [string, Storage, SessionStoreName] => [engine, storage, store])));
  const cells = engines.map((engine): [string, Storage, SessionStoreName] => [engine, 'sqlite', 'memory']);
  const deployed = engines.filter((engine) => deployedEngines.has(engine));
  const [first] = deployed;
  if (first === undefined) return cells;
  for (const storage of storageList.filter((name) => name !== 'sqlite')) cells.push([first, storage, 'memory']);
  storeList.filter((name) => name !== 'memory').forEach((store, index) => {
    cells.push([deployed[(index + 1) % deployed.length] ?? first, 'sqlite', store]);
  });
  return cells;
}

/** Starts a server with its own database / Redis prefix, dropped after the server closes. */
async function startCell(engine: string, storage: Storage, sessionStore: SessionStoreName, extra: TestServerOptions): Promise<TestServer> {
  const resources: TestResource[] = [];
  const dropAll = async () => {
    for (const resource of resources.splice(0).reverse()) await resource.drop();
  };
  try {
    const options: TestServerOptions = { engine, sessionStore };
    if (storage !== 'sqlite' && extra.databaseUrl === undefined) {
      const database = await createTestDatabase(storage);
      resources.push(database);
      options.databaseUrl = database.url;
    }
    if (sessionStore === 'redis' && extra.redisUrl === undefined) {
      const prefix = await createRedisPrefix();
      resources.push(prefix);
      options.redisUrl = prefix.url;
    }
    const server = await startTestServer({ ...options, ...extra });
    const close = server.close.bind(server);
    let closing: Promise<void> | undefined;
    server.close = () => {
      closing ??= close().finally(dropAll);
      return closing;
    };
    return server;
  } catch (error) {
    await dropAll();
    throw error;
  }
}

export function contractMatrix(): MatrixCell[] {
  return combinations(chosen('CONTRACT_ENGINES', ENGINE_NAMES)).map(([engine, storage, sessionStore]) => {
    const name = `${engine} × ${storage} × ${sessionStore} sessions`;
    return {
      name,
      engine,
      storage,
      sessionStore,
      skip: unreachableServices(servicesOf([storage, sessionStore]), `the contract on ${name}`),
      start: (extra = {}) => startCell(engine, storage, sessionStore, extra),
    };
  });
}
