/** `blog-server contract-test BASE_URL`: runs blog-server's API contract against any server speaking the course API. */
import { contractChecks } from '../../contract-test/checks/index.ts';
import { renderJson, renderTable } from '../../contract-test/render.ts';
import { runContract } from '../../contract-test/runner.ts';
import { commandHelp } from '../help-text.ts';
import { UsageError, type Command } from './command.ts';

function text(value: string | boolean | readonly string[] | undefined, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function baseUrlOf(value: string | undefined): string {
  if (value === undefined) throw new UsageError(commandHelp(contractTestCommand));
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`blog-server: contract-test: "${value}" is not a URL (http://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`blog-server: contract-test: "${value}" is not an http or https URL`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export const contractTestCommand: Command = {
  summary: { 'contract-test <url>': 'check any server speaking the course API against blog-server\'s contract' },
  usage: ['contract-test BASE_URL [--user U --password P --other-user U2 --other-password P2] [--read-only] [--json]'],
  settings: [],
  options: {
    user: { type: 'string', value: 'name', description: 'the first user to log in as (default zhangsan)' },
    password: { type: 'string', value: 'password', description: 'their password (default 123)' },
    'other-user': { type: 'string', value: 'name', description: 'a second user, for the ownership checks (default lisi)' },
    'other-password': { type: 'string', value: 'password', description: 'their password (default 123)' },
    'read-only': { type: 'boolean', description: 'write no blog: the checks that would are not applicable' },
    strict: { type: 'boolean', description: 'the server is blog-server: its own additions are required too' },
    only: { type: 'string', value: 'text', multiple: true, description: 'only the checks whose group or name contains this (repeatable)' },
    json: { type: 'boolean', description: 'print the results as one JSON object' },
  },
  about: [
    'Each check passes, fails, or is not applicable (the server lacks something only blog-server promises,',
    'such as X-Total-Count or the copies\' route variants, or it writes and --read-only was given) and says why.',
    'Every blog a check writes is deleted again. Exit status 1 when a check fails.',
  ].join('\n'),
  async run({ args: [url, ...rest], options }) {
    if (rest.length > 0) throw new UsageError(`blog-server: contract-test takes one URL, got also: ${rest.join(' ')}`);
    const baseUrl = baseUrlOf(url);
    const only = Array.isArray(options.only) && options.only.length > 0 ? options.only : undefined;
    const checks = only === undefined ? contractChecks : contractChecks.filter((check) => only.some((text) => check.group.includes(text) || check.name.includes(text)));
    if (checks.length === 0) throw new UsageError(`blog-server: contract-test: no check matches --only ${only?.join(', ') ?? ''}`);
    const progress = process.stderr.isTTY ? (name: string) => process.stderr.write(`\r\x1b[K${name}`) : () => {};
    const report = await runContract({
      baseUrl,
      user: { username: text(options.user, 'zhangsan'), password: text(options.password, '123') },
      other: { username: text(options['other-user'], 'lisi'), password: text(options['other-password'], '123') },
      readOnly: options['read-only'] === true,
      strict: options.strict === true,
    }, (result) => progress(`${result.outcome} ${result.name}`), checks);
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stdout.write(options.json === true ? renderJson(report) : renderTable(report, process.stdout.columns ?? 120));
    if (report.failed > 0) process.exitCode = 1;
  },
};
