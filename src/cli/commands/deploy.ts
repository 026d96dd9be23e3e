/**
 * `blog-server deploy nginx`: prints nginx's configuration for this blog (src/cli/nginx-config.ts):
 * a whole nginx.conf, or with --site the blocks for /etc/nginx/sites-available. Every option is
 * checked first; a bad one is a usage error (exit 2).
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { commandHelp } from '../help-text.ts';
import { formatHostPort, HTTP_PORT, prefixFolders, renderNginxConfig, type HostPort } from '../nginx-config.ts';
import { UsageError, type Command, type CommandInput } from './command.ts';

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
// server_name takes exact names, wildcards (*.example.com, example.*), .example.com and _ (any).
const SERVER_NAME = /^(?:_|\.?[A-Za-z0-9*](?:[A-Za-z0-9*.-]*[A-Za-z0-9*])?)$/;

function usage(message: string): UsageError {
  return new UsageError(`blog-server deploy nginx: ${message}`);
}

/** `text` as a port; `given` is the whole value, for the message. */
function parsePort(text: string, option: string, given = text): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65_535)) throw usage(`${option} "${given}": the port must be a whole number from 1 to 65535`);
  return port;
}

/** `HOST:PORT`, `[IPv6]:PORT`, or with `portAlone` a bare `PORT`. */
function parseHostPort(text: string, option: string, portAlone: boolean): HostPort {
  if (portAlone && /^\d+$/.test(text)) return { port: parsePort(text, option) };
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):([^:]*)$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  if (match === null || host === undefined) throw usage(`${option} "${text}": expected ${portAlone ? 'PORT or ' : ''}HOST:PORT (an IPv6 address in brackets: [::1]:8000)`);
  if (match[1] !== undefined ? isIP(host) !== 6 : isIP(host) !== 4 && !HOSTNAME.test(host)) throw usage(`${option} "${text}": "${host}" is not a host name or IP address`);
  return { host, port: parsePort(match[3] ?? '', option, text) };
}

/** An absolute path nginx can take in a quoted string: no `$` (a variable there), `"`, `\` or control characters. */
function parsePath(text: string, option: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (text === '' || /[$"\\\u0000-\u001f\u007f]/.test(text)) throw usage(`${option} "${text}": a path without $, ", \\ or control characters is needed`);
  return resolve(text);
}

function readableFile(text: string, option: string): string {
  const path = parsePath(text, option);
  try {
    accessSync(path, constants.R_OK);
    if (!statSync(path).isFile()) throw new Error('not a file');
  } catch {
    throw usage(`${option} ${path}: no readable file there`);
  }
  return path;
}

function stringOption(options: CommandInput['options'], name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

export const deployCommand: Command = {
  summary: { 'deploy nginx': "print nginx's configuration: the pages from dist/web, /api/ to every blog-server" },
  usage: ['deploy nginx [--listen PORT] [--server-name NAME] [--upstream HOST:PORT]… [--web-dir DIR] [--prefix DIR] [--tls-cert FILE --tls-key FILE] [--site]'],
  settings: [],
  options: {
    listen: { type: 'string', value: 'port', description: 'PORT or ADDRESS:PORT nginx serves on, default 80, or 443 with TLS' },
    'server-name': { type: 'string', value: 'name', description: 'server_name: one or more names separated by spaces, default _ (any)' },
    upstream: { type: 'string', value: 'host:port', multiple: true, description: 'a blog-server process; repeat for each process or machine, default 127.0.0.1:PORT' },
    'web-dir': { type: 'string', value: 'dir', description: 'the built pages, default WEB_DIR (dist/web of the package)' },
    prefix: { type: 'string', value: 'dir', description: "nginx's pid, temp files and logs (created), default ./nginx; with --site only the access log, default in /var/log/nginx" },
    'tls-cert': { type: 'string', value: 'file', description: 'serve HTTPS with this certificate (PEM, with its chain); plain HTTP on port 80 redirects to it' },
    'tls-key': { type: 'string', value: 'file', description: "the certificate's private key" },
    site: { type: 'boolean', description: 'print only the upstream, server and map blocks, for /etc/nginx/sites-available' },
  },
  about: [
    'nginx serves the pages straight from the build with the app\'s own headers, precompressed .gz',
    'included, and proxies /api/ (and whatever is no file) to every --upstream, keeping connections',
    'open and trying the next one when a process cannot be reached; bodies over BODY_LIMIT get 413.',
    'BODY_LIMIT, PORT and WEB_DIR come from the environment and ./.env, as for serve. Run the app',
    'with TRUST_PROXY=true behind it, so that it logs and limits the client\'s address.',
  ].join('\n'),
  async run({ args: [target, ...rest], options, config: configure }) {
    if (target !== 'nginx' || rest.length > 0) throw new UsageError(commandHelp(deployCommand));
    const config = configure();
    const site = options.site === true;
    const certText = stringOption(options, 'tls-cert');
    const keyText = stringOption(options, 'tls-key');
    if ((certText === undefined) !== (keyText === undefined)) throw usage('--tls-cert and --tls-key go together: give both, or neither');
    const tls = certText !== undefined && keyText !== undefined ? { cert: readableFile(certText, '--tls-cert'), key: readableFile(keyText, '--tls-key') } : undefined;

    const listenText = stringOption(options, 'listen');
    const listen = listenText === undefined ? { port: tls ? 443 : HTTP_PORT } : parseHostPort(listenText, '--listen', true);
    if (tls && listen.port === HTTP_PORT) throw usage(`--listen ${formatHostPort(listen)}: with TLS, port ${HTTP_PORT} is the redirect to https; serve HTTPS on another (443)`);

    const serverName = stringOption(options, 'server-name') ?? '_';
    const badName = serverName.split(' ').find((name) => !SERVER_NAME.test(name));
    if (badName !== undefined) throw usage(`--server-name "${serverName}": "${badName}" is not a server name (example.com, *.example.com, _)`);

    const upstreamTexts = options.upstream;
    const upstreams = Array.isArray(upstreamTexts) && upstreamTexts.length > 0
      ? upstreamTexts.map((text) => parseHostPort(text, '--upstream', false))
      : [{ host: '127.0.0.1', port: parsePort(String(config.port), 'PORT (the default --upstream)') }];

    const webDirText = stringOption(options, 'web-dir');
    const webDir = parsePath(webDirText ?? config.webDir, webDirText === undefined ? 'WEB_DIR' : '--web-dir');
    if (!existsSync(resolve(webDir, 'index.html'))) throw usage(`${webDir} has no index.html: build the pages first (npm run build)${webDirText === undefined ? ', or give --web-dir' : ''}`);

    const prefixText = stringOption(options, 'prefix');
    const prefix = prefixText === undefined ? (site ? undefined : resolve('nginx')) : parsePath(prefixText, '--prefix');

    const text = renderNginxConfig({ listen, serverName, upstreams, webDir, prefix, tls, bodyLimitBytes: config.bodyLimitBytes, site });
    // nginx creates its temp folders but not the folder of its logs: made here, so the file runs as printed.
    if (prefix !== undefined) for (const folder of prefixFolders(prefix)) mkdirSync(folder, { recursive: true });
    if (!config.trustProxy) console.error('blog-server deploy nginx: note: TRUST_PROXY is off here; set TRUST_PROXY=true where the app runs, or it logs and limits nginx\'s address for every client');
    process.stdout.write(text);
  },
};
