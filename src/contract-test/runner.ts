/**
 * Runs the contract checks against a server: logs the two users in, runs each check in turn with a
 * fresh context, deletes every blog a check wrote, and returns one result per check.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { NotApplicable, type ApiBlog, type Check, type CheckContext, type Credentials } from './check.ts';
import { contractChecks } from './checks/index.ts';
import { lenientExpectations, strictExpectations } from './envelope-assertions.ts';
import { Client } from './http-client.ts';

export interface ContractOptions {
  baseUrl: string;
  user: Credentials;
  other: Credentials;
  /** Skip every check that writes blogs (the run still logs in). */
  readOnly: boolean;
  /** The server is blog-server: its own additions are required, not optional. */
  strict: boolean;
}

export type Outcome = 'pass' | 'fail' | 'n/a';

export interface CheckResult {
  group: string;
  name: string;
  outcome: Outcome;
  /** Why it failed or does not apply; absent on a pass. */
  reason?: string;
  /** Blogs it wrote that could not be deleted again. */
  leftBehind?: number[];
  ms: number;
}

/** Logged-in clients for the two users, made once per run. */
export interface Session {
  options: ContractOptions;
  anonymous: Client;
  user: Client;
  other: Client;
  token: string;
}

export async function openSession(options: ContractOptions): Promise<Session> {
  const user = new Client(options.baseUrl);
  const other = new Client(options.baseUrl);
  await user.login(options.user.username, options.user.password);
  await other.login(options.other.username, options.other.password);
  return { options, anonymous: new Client(options.baseUrl), user, other, token: `ct${randomBytes(4).toString('hex')}` };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? text;
}

/** Runs one check. The error, when there is one, is kept so a test can show its whole message. */
export async function runCheck(session: Session, check: Check): Promise<CheckResult & { error?: unknown }> {
  const { options } = session;
  const started = performance.now();
  const result = (outcome: Outcome, extra: { reason?: string; error?: unknown; leftBehind?: number[] } = {}) => ({ group: check.group, name: check.name, outcome, ...extra, ms: Math.round(performance.now() - started) });
  if (options.readOnly && check.writes === true) return result('n/a', { reason: 'writes blogs (--read-only)' });
  const written: { as: Client; id: number }[] = [];
  const expect = options.strict ? strictExpectations : lenientExpectations;
  const context: CheckContext = {
    strict: options.strict,
    expect,
    anonymous: session.anonymous,
    user: session.user,
    other: session.other,
    userCredentials: options.user,
    otherCredentials: options.other,
    token: session.token,
    client: () => new Client(options.baseUrl),
    async loggedIn({ username, password }) {
      const client = new Client(options.baseUrl);
      await client.login(username, password);
      return client;
    },
    async createBlog(as, title, content = `${title} 的内容`) {
      const body = expect.success(await as.post('/api/blog/new', { title, content }));
      const { id } = body.data as { id: number };
      assert.equal(typeof id, 'number', `data.id of ${JSON.stringify(body).slice(0, 200)}`);
      written.push({ as, id });
      return id;
    },
    async adopt(as, id) {
      written.push({ as, id });
    },
    async detail(id) {
      const body = expect.success(await session.anonymous.get(`/api/blog/detail?id=${id}`));
      assert.ok(body.data !== null && typeof body.data === 'object', `blog ${id} exists`);
      return body.data as ApiBlog;
    },
    notApplicable(why) {
      throw new NotApplicable(why);
    },
  };
  let outcome: Outcome = 'pass';
  let reason: string | undefined;
  let failure: unknown;
  try {
    await check.run(context);
  } catch (error) {
    failure = error;
    if (error instanceof NotApplicable) [outcome, reason] = ['n/a', error.message];
    else if (check.optional !== undefined && !options.strict) [outcome, reason] = ['n/a', `${check.optional} (${firstLine(error)})`];
    else [outcome, reason] = ['fail', firstLine(error)];
  }
  const leftBehind = await deleteWritten(written);
  if (leftBehind.length > 0 && outcome === 'pass') [outcome, reason] = ['fail', `could not delete the blogs it wrote: ${leftBehind.join(', ')}`];
  return result(outcome, { ...(reason === undefined ? {} : { reason }), ...(failure === undefined ? {} : { error: failure }), ...(leftBehind.length > 0 ? { leftBehind } : {}) });
}

/** Deletes what a check wrote (ids a check deleted itself answer errno -1 and are fine); the ids still there. */
async function deleteWritten(written: readonly { as: Client; id: number }[]): Promise<number[]> {
  const left: number[] = [];
  for (const { as, id } of written) {
    try {
      await as.post(`/api/blog/del?id=${id}`);
      const detail = await new Client(as.baseUrl).get(`/api/blog/detail?id=${id}`);
      const body = detail.json;
      if (body.errno === 0 && body.data !== undefined && body.data !== null && typeof body.data === 'object' && Object.keys(body.data).length > 0) left.push(id);
    } catch {
      left.push(id);
    }
  }
  return left;
}

export interface ContractReport {
  baseUrl: string;
  results: CheckResult[];
  passed: number;
  failed: number;
  notApplicable: number;
}

/** Runs every check (or those given) in order; `onResult` hears each as it finishes. */
export async function runContract(options: ContractOptions, onResult: (result: CheckResult) => void = () => {}, checks: readonly Check[] = contractChecks): Promise<ContractReport> {
  const session = await openSession(options);
  const results: CheckResult[] = [];
  for (const check of checks) {
    const { error: _error, ...result } = await runCheck(session, check);
    results.push(result);
    onResult(result);
  }
  const count = (outcome: Outcome) => results.filter((result) => result.outcome === outcome).length;
  return { baseUrl: options.baseUrl, results, passed: count('pass'), failed: count('fail'), notApplicable: count('n/a') };
}
