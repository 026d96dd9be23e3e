/**
 * nginx's configuration for blog-server, from deploy/nginx.conf.template and
 * deploy/nginx-site.conf.template: the pages straight from the build with the headers the app sends
 * for them (taken from src/http/static-files.ts, not copied), /api/ and anything that is no file
 * proxied to every blog-server process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaults } from '../config/defaults.ts';
import { packageRoot } from '../config/settings.ts';
import {
  CONTENT_SECURITY_POLICY,
  CONTENT_TYPES,
  HASHED_ASSET,
  HTML_PATH,
  IMMUTABLE_CACHE_CONTROL,
  REVALIDATE_CACHE_CONTROL,
  SECURITY_HEADERS,
} from '../http/static-files.ts';
import { renderTemplate } from './render-template.ts';

/** An address as nginx's `listen` and `server` take it; `host` undefined means every address. */
export interface HostPort {
  readonly host?: string;
  readonly port: number;
}

export interface NginxOptions {
  /** The port (and address) nginx serves the blog on. */
  readonly listen: HostPort;
  /** `server_name`: one or more names separated by spaces; `_` for any. */
  readonly serverName: string;
  /** Every blog-server process, on this machine or others. */
  readonly upstreams: readonly HostPort[];
  /** The built pages (dist/web), an absolute path. */
  readonly webDir: string;
  /** Absolute; pid, temp files and logs go under it. Undefined with `site`: logs in /var/log/nginx. */
  readonly prefix: string | undefined;
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  /** The app's BODY_LIMIT, which nginx's client_max_body_size repeats. */
  readonly bodyLimitBytes: number;
  /** Only the upstream, server and map blocks, for a file included in Debian's http {} (sites-available). */
  readonly site: boolean;
}

/** Where the site's access log goes when nothing under a prefix is asked for. */
export const SYSTEM_ACCESS_LOG = '/var/log/nginx/blog-server.access.log';
/** With TLS, plain HTTP on this port answers with a redirect to https. */
export const HTTP_PORT = 80;

/** A string in nginx's syntax: quoted, with `\` and `"` escaped (nginx undoes exactly those). */
export function nginxString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** A regular expression of the app's as a PCRE nginx takes: the same source, so both match the same paths. */
function nginxRegex(pattern: RegExp): string {
  if (pattern.flags !== '') throw new Error(`${String(pattern)}: flags have no nginx equivalent`);
  return nginxString(`~${pattern.source}`);
}

export function formatHostPort({ host, port }: HostPort): string {
  if (host === undefined) return String(port);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function template(name: string): string {
  return readFileSync(join(packageRoot, 'deploy', name), 'utf8');
}

function staticValues(): Record<string, string> {
  const typesByContentType = new Map<string, string[]>();
  for (const [extension, contentType] of Object.entries(CONTENT_TYPES)) {
    typesByContentType.set(contentType, [...(typesByContentType.get(contentType) ?? []), extension.slice(1)]);
  }
  return {
    contentTypes: [...typesByContentType].map(([contentType, extensions]) => `${nginxString(contentType)} ${extensions.join(' ')};`).join('\n'),
    staticHeaders: [
      ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `add_header ${name} ${nginxString(value)};`),
      'add_header Cache-Control $blog_server_cache_control;',
      'add_header Content-Security-Policy $blog_server_content_security_policy;',
    ].join('\n'),
    cacheControlMap: [`${nginxRegex(HASHED_ASSET)} ${nginxString(IMMUTABLE_CACHE_CONTROL)};`, `default ${nginxString(REVALIDATE_CACHE_CONTROL)};`].join('\n'),
    contentSecurityPolicyMap: [`${nginxRegex(HTML_PATH)} ${nginxString(CONTENT_SECURITY_POLICY)};`, 'default "";'].join('\n'),
  };
}

/** The site: upstream, server (and the http → https redirect with TLS) and map blocks. */
export function renderNginxSite(options: NginxOptions): string {
  const tls = options.tls;
  const listen = formatHostPort(options.listen) + (tls ? ' ssl' : '');
  return renderTemplate(template('nginx-site.conf.template'), {
    values: {
      webDir: nginxString(options.webDir),
      upstreamServers: options.upstreams.map((upstream) => `server ${formatHostPort(upstream)};`).join('\n'),
      // Below the app's keep-alive timeout (src/config/defaults.ts), so the app never closes first.
      upstreamKeepaliveTimeout: `${Math.max(1, Math.floor(defaults.keepAliveTimeoutMs / 1000) - 1)}s`,
      listen,
      redirectListen: formatHostPort({ ...options.listen, port: HTTP_PORT }),
      serverName: options.serverName,
      tlsCert: nginxString(tls?.cert ?? ''),
      tlsKey: nginxString(tls?.key ?? ''),
      accessLog: nginxString(options.prefix === undefined ? SYSTEM_ACCESS_LOG : join(options.prefix, 'logs', 'access.log')),
      bodyLimit: String(options.bodyLimitBytes),
      ...staticValues(),
    },
    flags: { tls: tls !== undefined },
  });
}

/** nginx's temporary folders (`client_body_temp_path` …), all under the prefix. */
const TEMP_PATHS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;

/** The folders a whole nginx.conf needs under its prefix before nginx starts (it creates the rest). */
export function prefixFolders(prefix: string): string[] {
  return [join(prefix, 'logs'), join(prefix, 'temp')];
}

/** A whole nginx.conf around the site, or with `site` the site alone. */
export function renderNginxConfig(options: NginxOptions): string {
  const site = renderNginxSite(options).trimEnd();
  if (options.site) return `${site}\n`;
  const { prefix } = options;
  if (prefix === undefined) throw new Error('a whole nginx.conf needs a prefix');
  return renderTemplate(template('nginx.conf.template'), {
    values: {
      prefixShown: prefix,
      pidFile: nginxString(join(prefix, 'nginx.pid')),
      errorLog: nginxString(join(prefix, 'logs', 'error.log')),
      ...Object.fromEntries(TEMP_PATHS.map((name) => [`${name}Temp`, nginxString(join(prefix, 'temp', name))])),
      site,
    },
    flags: {},
  }).trimEnd() + '\n';
}
