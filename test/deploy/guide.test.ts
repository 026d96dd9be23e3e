// The README's "Deploy" guide, command by command. Its shell blocks are read from README.md; every
// `blog-server` and `nginx` command is run here on temp paths (the guide's /etc/nginx, /srv/blog and
// certificate paths mapped into a temp folder laid out as Debian's /etc/nginx), its SQL on a fresh
// MariaDB database and user, its .env read by the commands after it. The package-manager and system
// commands are named in `systemCommands` with the place that exercises them; a command that is
// neither fails the test, so the guide cannot gain a command no test runs.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../src/config/settings.ts';
import { runCli } from '../helpers/cli.ts';
import { createRedisPrefix, serviceAddress, skipUnless, withMariadb, type TestResource } from '../helpers/databases.ts';
import { nginxTest } from '../helpers/nginx.ts';

/** One command of the guide: its words (quotes removed), where its output goes, a here-document's text. */
interface GuideCommand {
  line: string;
  words: string[];
  stdoutTo?: string;
  hereDocument?: string;
}

/** The shell blocks of README.md's "## Deploy" section, as commands. */
function guideCommands(): GuideCommand[] {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const section = /^## Deploy\n([\s\S]*?)^## /m.exec(readme)?.[1];
  assert.ok(section, 'README.md has a "## Deploy" section');
  const commands: GuideCommand[] = [];
  for (const [, block = ''] of section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const lines = block.split('\n');
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      const command: GuideCommand = { line, words: [] };
      let words = shellWords(line);
      const hereDocument = words.findIndex((word) => word.startsWith('<<'));
      if (hereDocument !== -1) {
        const end = words[hereDocument]!.slice(2);
        const body: string[] = [];
        while (lines[(index += 1)] !== undefined && lines[index] !== end) body.push(lines[index]!);
        command.hereDocument = body.join('\n');
        words = words.slice(0, hereDocument);
      }
      const redirect = words.indexOf('>');
      if (redirect !== -1) {
        command.stdoutTo = words[redirect + 1];
        words = words.slice(0, redirect);
      }
      // `sudo -u blog` only says which user runs it.
      command.words = words[0] === 'sudo' && words[1] === '-u' ? words.slice(3) : words;
      commands.push(command);
    }
  }
  return commands;
}

/** Words of a simple shell line: spaces split, single and double quotes group, `>` stands alone. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const [, doubled, single, plain] of line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+)/g)) words.push(doubled ?? single ?? plain ?? '');
  return words;
}

/** Commands the test does not run, and what exercises them instead. */
const systemCommands: [RegExp, string][] = [
  [/^apt-get (update|install -y nginx mariadb-server redis-server git curl ca-certificates openssl|install -y nodejs)$/, '.ci/run installs nginx from Debian; the CI machine has Node 20 from NodeSource, MariaDB and Redis'],
  [/^curl -fsSL https:\/\/deb\.nodesource\.com\/setup_20\.x -o \/tmp\/nodesource_setup\.sh$|^bash \/tmp\/nodesource_setup\.sh$/, "NodeSource's installer, as on the CI machine"],
  [/^useradd --system .* blog$|^chmod (755|600) |^chown blog: |^cd \/srv\/blog\/app$/, 'file ownership only'],
  [/^git clone \S+ \/srv\/blog\/app$/, 'the checkout CI runs in'],
  [/^npm (ci|run build)$/, '.ci/run runs npm ci (its prepare builds dist/), npm test runs npm run build'],
  [/^npm run prd(:reload|:stop)?$/, 'the PM2 tests (deploy/ecosystem.config.cjs)'],
  [/^systemctl reload nginx$/, "Debian's service; nginx -t before it is run here (CI has no systemd)"],
];

const skip = skipUnless(['mariadb', 'redis'], "the README's deployment guide");

describe('the README "Deploy" guide', { skip }, () => {
  const temp = mkdtempSync(join(tmpdir(), 'blog-guide-'));
  const commands = guideCommands();
  const databaseName = `blog_guide_${randomBytes(4).toString('hex')}`;
  const databaseUser = databaseName;
  let redis: TestResource;
  /** The guide's paths and names, mapped into the temp folder and the test's own database. */
  let localize: (text: string) => string;

  before(async () => {
    redis = await createRedisPrefix();
    const mariadb = serviceAddress('mariadb');
    const replacements: [string, string][] = [
      ['/etc/nginx/', `${temp}/etc/nginx/`],
      ['/etc/letsencrypt/live/example.com/', `${temp}/letsencrypt/`],
      ['/srv/blog/app/', `${temp}/app/`],
      ['mysql://blog:change-this-password@127.0.0.1:3306/blog', `mysql://${databaseUser}:change-this-password@${mariadb.host}:${mariadb.port}/${databaseName}`],
      ['redis://127.0.0.1:6379', redis.url],
      ['$(openssl rand -hex 32)', randomBytes(32).toString('hex')],
      ['CREATE DATABASE blog ', `CREATE DATABASE ${databaseName} `],
      ["'blog'@'127.0.0.1'", `'${databaseUser}'@'127.0.0.1'`],
      ['ON blog.*', `ON ${databaseName}.*`],
    ];
    localize = (text) => replacements.reduce((result, [from, to]) => result.replaceAll(from, to), text);
    // Debian's /etc/nginx as the guide finds it: nginx.conf including sites-enabled/*, the default site enabled.
    const nginxDir = join(temp, 'etc', 'nginx');
    for (const folder of ['sites-available', 'sites-enabled']) mkdirSync(join(nginxDir, folder), { recursive: true });
    copyFileSync('/etc/nginx/sites-available/default', join(nginxDir, 'sites-available', 'default'));
    symlinkSync(join(nginxDir, 'sites-available', 'default'), join(nginxDir, 'sites-enabled', 'default'));
    writeFileSync(join(nginxDir, 'nginx.conf'), [
      `pid "${temp}/nginx.pid";`,
      `error_log "${temp}/error.log";`,
      'events {}',
      'http {',
      `  client_body_temp_path "${temp}/body"; proxy_temp_path "${temp}/proxy"; fastcgi_temp_path "${temp}/fastcgi";`,
      `  uwsgi_temp_path "${temp}/uwsgi"; scgi_temp_path "${temp}/scgi";`,
      '  include /etc/nginx/mime.types;',
      `  include ${nginxDir}/sites-enabled/*;`,
      '}',
    ].join('\n'));
    mkdirSync(join(temp, 'app'));
    mkdirSync(join(temp, 'letsencrypt'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=example.com', '-days', '1', '-keyout', join(temp, 'letsencrypt', 'privkey.pem'), '-out', join(temp, 'letsencrypt', 'fullchain.pem')], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
  });

  after(async () => {
    await withMariadb(async (connection) => {
      await connection.query(`drop database if exists \`${databaseName}\``);
      await connection.query(`drop user if exists '${databaseUser}'@'127.0.0.1'`);
    }).catch(() => {});
    await redis?.drop();
    rmSync(temp, { recursive: true, force: true });
  });

  it('has blog-server, nginx and system commands in its shell blocks', () => {
    const kinds = new Set(commands.map(({ words }) => (words[0] === 'npx' ? words[1] : words[0])));
    for (const kind of ['blog-server', 'nginx', 'mariadb', 'apt-get', 'npm']) assert.ok(kinds.has(kind), `the guide has ${kind} commands`);
  });

  it('runs, in order, every command of the guide that is not a system command, and knows every other', async () => {
    const ran: string[] = [];
    for (const command of commands) {
      const words = command.words.map(localize);
      const stdoutTo = command.stdoutTo === undefined ? undefined : localize(command.stdoutTo);
      const known = systemCommands.find(([pattern]) => pattern.test(command.words.join(' ')));
      const run = words[0] === 'npx' ? words.slice(1) : words;
      // Nothing the test runs may touch the machine's own configuration.
      if (!known) for (const word of [...run, stdoutTo ?? '']) assert.doesNotMatch(word, /^\/(?:etc|srv|var)\//, `${command.line}: ${word} is mapped into the temp folder`);
      if (run[0] === 'blog-server') {
        const result = await runCli(run.slice(1), { cwd: join(temp, 'app'), input: 'a long enough password\n' });
        assert.equal(result.code, 0, `${command.line}\n${result.stderr}`);
        if (stdoutTo !== undefined) writeFileSync(stdoutTo, result.stdout);
      } else if (run[0] === 'nginx') {
        assert.deepEqual(run, ['nginx', '-t'], `${command.line}: the only nginx command the test knows`);
        const checked = nginxTest(temp, join(temp, 'etc', 'nginx', 'nginx.conf'));
        assert.equal(checked.status, 0, `${command.line}\n${checked.output}`);
      } else if (run[0] === 'mariadb') {
        assert.equal(run[1], '-e');
        await withMariadb((connection) => connection.query(run[2] ?? ''));
      } else if (run[0] === 'ln' || run[0] === 'rm') {
        assert.ok(/^(ln -sf|rm -f) /.test(run.join(' ')), command.line);
        const result = spawnSync(run[0], run.slice(1), { encoding: 'utf8' });
        assert.equal(result.status, 0, `${command.line}\n${result.stderr}`);
      } else if (run[0] === 'cat' && command.hereDocument !== undefined && stdoutTo !== undefined) {
        mkdirSync(dirname(stdoutTo), { recursive: true });
        writeFileSync(stdoutTo, `${localize(command.hereDocument)}\n`);
      } else {
        assert.ok(known, `${command.line}: not run by this test and not one of its system commands`);
        continue;
      }
      ran.push(command.line);
    }
    assert.ok(ran.some((line) => line.includes('deploy nginx')) && ran.some((line) => line.includes('migrate')), ran.join('\n'));
    const sites = join(temp, 'etc', 'nginx', 'sites-enabled');
    assert.ok(lstatSync(join(sites, 'blog')).isSymbolicLink(), 'the blog site is enabled');
    assert.ok(!existsSync(join(sites, 'default')), "Debian's default site is not");
  });

  it("names the PM2 scripts package.json has, and .ci/run installs Debian's nginx", () => {
    const scripts = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const command of commands.filter(({ words }) => words[0] === 'npm' && words[1] === 'run')) assert.ok(scripts[command.words[2] ?? ''] !== undefined, `package.json has the script of "${command.line}"`);
    assert.match(readFileSync(join(packageRoot, '.ci', 'run'), 'utf8'), /need_package nginx/);
  });
});
