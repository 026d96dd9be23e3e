// `blog-server deploy nginx` as a command: what it refuses (exit 2, a message naming the option),
// and that nginx accepts what it prints: the whole nginx.conf, the --site blocks inside a minimal
// http {}, and the TLS variant. The template renderer's own rules are checked here too.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { renderTemplate } from '../../src/cli/render-template.ts';
import { packageRoot } from '../../src/config/settings.ts';
import { CONTENT_TYPES } from '../../src/http/static-files.ts';
import { runCli } from '../helpers/cli.ts';
import { nginxTest } from '../helpers/nginx.ts';

const directory = mkdtempSync(join(tmpdir(), 'blog-deploy-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let made = 0;
const freshDir = (): string => mkdtempSync(join(directory, `${(made += 1)}-`));

const deploy = (args: string[], env: Record<string, string> = {}) => runCli(['deploy', 'nginx', ...args], { env, cwd: directory });

/** Writes `text` as PREFIX/nginx.conf and runs `nginx -t` on it. */
function checkWithNginx(prefix: string, text: string): void {
  const file = join(prefix, 'nginx.conf');
  writeFileSync(file, text);
  const result = nginxTest(prefix, file);
  assert.equal(result.status, 0, result.output);
  assert.match(result.output, /test is successful/);
}

describe('deploy nginx refuses bad options with exit 2', () => {
  const cert = join(directory, 'cert.pem');
  writeFileSync(cert, 'not checked by the command, only by nginx');
  const cases: [string, string[], RegExp][] = [
    ['a port out of range', ['--listen', '70000'], /--listen "70000": the port must be a whole number from 1 to 65535/],
    ['a listen that is no port', ['--listen', 'eighty'], /--listen "eighty": expected PORT or HOST:PORT/],
    ['an upstream without a port', ['--upstream', '127.0.0.1'], /--upstream "127.0.0.1": expected HOST:PORT/],
    ['an upstream port of 0', ['--upstream', '127.0.0.1:0'], /--upstream "127.0.0.1:0": the port must be/],
    ['an upstream host with a space', ['--upstream', 'bad host:8000'], /"bad host" is not a host name or IP address/],
    ['a server name with a semicolon', ['--server-name', 'example.com;'], /--server-name "example.com;": "example.com;" is not a server name/],
    ['a certificate without its key', ['--tls-cert', cert], /--tls-cert and --tls-key go together/],
    ['a key without its certificate', ['--tls-key', cert], /--tls-cert and --tls-key go together/],
    ['a missing certificate file', ['--tls-cert', join(directory, 'nope.pem'), '--tls-key', cert], /--tls-cert .*nope\.pem: no readable file there/],
    ['a web dir without pages', ['--web-dir', directory], /has no index\.html: build the pages first/],
    ['a path nginx would read as a variable', ['--prefix', '/tmp/$x'], /--prefix "\/tmp\/\$x": a path without \$/],
    ['an unknown target', [], /Usage: blog-server deploy nginx/],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, async () => {
      const result = await runCli(what === 'an unknown target' ? ['deploy', 'apache'] : ['deploy', 'nginx', ...args], { cwd: directory });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    });
  }

  it('refuses an option it does not know, with its help (exit 1, as every command: README "Command line")', async () => {
    const result = await deploy(['--upstreams', '127.0.0.1:8000']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Unknown option '--upstreams'[\s\S]*--upstream <host:port>/);
  });
});

describe('deploy nginx prints what nginx accepts', () => {
  it('prints a whole nginx.conf that `nginx -t` accepts as it is, every path under the prefix', async () => {
    const prefix = freshDir();
    const result = await deploy(['--prefix', prefix, '--listen', '8080', '--upstream', '127.0.0.1:8001', '--upstream', '10.0.0.2:8000', '--server-name', 'example.com www.example.com'], { BODY_LIMIT: '2048' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\s*server 127\.0\.0\.1:8001;\n\s*server 10\.0\.0\.2:8000;$/m);
    assert.match(result.stdout, /^\s*client_max_body_size 2048;$/m, 'client_max_body_size is BODY_LIMIT');
    assert.match(result.stdout, /^\s*server_name example\.com www\.example\.com;$/m);
    assert.match(result.stdout, /^\s*proxy_next_upstream error timeout;$/m);
    assert.doesNotMatch(result.stdout, /^\s*proxy_next_upstream[^;]*non_idempotent/m, 'a POST is never sent twice');
    // Every file nginx writes is under the prefix (no /var/log, /run or /var/lib/nginx).
    for (const [, path] of result.stdout.matchAll(/^\s*(?:pid|error_log|access_log|\w+_temp_path) "([^"]+)"/gm)) assert.ok(path?.startsWith(`${prefix}/`), `${path} is under ${prefix}`);
    assert.ok(existsSync(join(prefix, 'logs')), 'the logs folder is made, so nginx can open its error log');
    assert.match(result.stderr, /TRUST_PROXY is off/);
    checkWithNginx(prefix, result.stdout);
  });

  it('prints with --site the blocks for sites-available, which `nginx -t` accepts inside an http {}', async () => {
    const prefix = freshDir();
    const result = await deploy(['--upstream', '127.0.0.1:8000', '--server-name', 'example.com', '--site'], { TRUST_PROXY: 'true' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', 'no note when TRUST_PROXY is on');
    assert.doesNotMatch(result.stdout, /^\s*(?:http|events)\s*\{/m, 'no http or events block');
    assert.match(result.stdout, /access_log "\/var\/log\/nginx\/blog-server\.access\.log" combined;/);
    assert.match(result.stdout, /^\s*listen 80;$/m);
    // What Debian's /etc/nginx/nginx.conf has around sites-enabled/*, with the paths in the prefix.
    const wrapper = [
      `pid "${prefix}/nginx.pid";`,
      `error_log "${prefix}/error.log";`,
      'events {}',
      'http {',
      `  client_body_temp_path "${prefix}/body"; proxy_temp_path "${prefix}/proxy"; fastcgi_temp_path "${prefix}/fastcgi";`,
      `  uwsgi_temp_path "${prefix}/uwsgi"; scgi_temp_path "${prefix}/scgi";`,
      '  include /etc/nginx/mime.types;',
      result.stdout.replace('/var/log/nginx/', `${prefix}/`),
      '}',
    ].join('\n');
    checkWithNginx(prefix, wrapper);
  });

  it('prints with --tls-cert and --tls-key an HTTPS server and the http → https redirect, which `nginx -t` accepts', async () => {
    const prefix = freshDir();
    const cert = join(prefix, 'cert.pem');
    const key = join(prefix, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=example.com', '-days', '1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const result = await deploy(['--prefix', prefix, '--server-name', 'example.com', '--tls-cert', cert, '--tls-key', key]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\s*listen 443 ssl;$/m);
    assert.match(result.stdout, /^\s*listen 80;\n[\s\S]*?return 301 https:\/\/\$host\$request_uri;/m);
    assert.match(result.stdout, new RegExp(`ssl_certificate "${cert}";`));
    assert.match(result.stdout, new RegExp(`ssl_certificate_key "${key}";`));
    checkWithNginx(prefix, result.stdout);
  });

  it('refuses port 80 for HTTPS, which is the redirect', async () => {
    const cert = join(directory, 'cert.pem');
    const result = await deploy(['--listen', '80', '--tls-cert', cert, '--tls-key', cert]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /with TLS, port 80 is the redirect to https/);
  });

  it('lists a Content-Type for every kind of file the build makes (nginx serves no other type)', () => {
    const web = join(packageRoot, 'dist', 'web');
    const extensions = new Set(readdirSync(web, { recursive: true, encoding: 'utf8' }).map((name) => extname(name.replace(/\.(?:gz|br)$/, ''))).filter((extension) => extension !== ''));
    assert.ok(extensions.has('.html') && extensions.has('.js') && extensions.has('.css'), [...extensions].join(' '));
    for (const extension of extensions) assert.ok(CONTENT_TYPES[extension] !== undefined, `static-files.ts CONTENT_TYPES has ${extension}`);
  });
});

describe('the template renderer', () => {
  it('fills values, indents a value of several lines, keeps or drops sections', () => {
    const template = 'a {{x}}\n  {{lines}}\n{{#on}}\nkept\n{{/on}}\n{{^on}}\ndropped\n{{/on}}\nend';
    assert.equal(renderTemplate(template, { values: { x: '1', lines: 'p;\nq;' }, flags: { on: true } }), 'a 1\n  p;\n  q;\nkept\nend');
    assert.equal(renderTemplate(template, { values: { x: '1', lines: 'p;' }, flags: { on: false } }), 'a 1\n  p;\ndropped\nend');
  });

  it('throws on a placeholder without a value, a section without a flag, an unused value, an unclosed section', () => {
    assert.throws(() => renderTemplate('{{x}}', { values: {}, flags: {} }), /no value for \{\{x\}\}/);
    assert.throws(() => renderTemplate('{{#on}}\n{{/on}}', { values: {}, flags: {} }), /no flag for \{\{#on\}\}/);
    assert.throws(() => renderTemplate('a', { values: { x: '1' }, flags: {} }), /values never used: x/);
    assert.throws(() => renderTemplate('{{#on}}\na', { values: {}, flags: { on: true } }), /\{\{#on\}\} is never closed/);
    assert.throws(() => renderTemplate('{{/on}}', { values: {}, flags: {} }), /closes no open section/);
  });
});
