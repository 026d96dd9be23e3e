// Builds the pages in web/ into dist/web/ (or --out <dir>): typechecks the browser code, bundles and
// minifies it with esbuild, gives JS and CSS content-hashed names, puts the shared partials and the
// hashed names into the HTML, and precompresses every text file to .br and .gz for sirv and nginx.
// Offline and fast (a second or two, most of it tsc). Usage: node scripts/build-web.mjs [--out <dir>]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'web');
const PAGES = join(WEB, 'pages');
const PARTIALS = join(WEB, 'partials');
const DEFAULT_OUT = join(ROOT, 'dist', 'web');

// The names the HTML sources use; each is replaced by its hashed name in the output.
const ASSET_SOURCES = [
  { reference: '/assets/app.js', entry: join(WEB, 'src', 'main.ts'), name: 'app', extension: '.js' },
  { reference: '/assets/main.css', entry: join(WEB, 'styles', 'main.css'), name: 'main', extension: '.css' },
];
const COMPRESSIBLE = /\.(?:html|js|css|svg|json|txt|xml)$/;
// Browsers supported by the pages: everything with <dialog>, ES2020 modules and CSS custom properties.
const BROWSER_TARGETS = ['chrome100', 'firefox100', 'safari15.4', 'edge100'];

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

function parseArguments(argv) {
  const outIndex = argv.indexOf('--out');
  if (outIndex === -1) return { out: DEFAULT_OUT };
  const out = argv[outIndex + 1];
  if (!out) throw new Error('--out needs a directory');
  return { out: resolve(out) };
}

/** Runs the browser code's own typecheck (lib DOM); esbuild only strips types. */
function typecheck() {
  const tsc = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tsc, ['-p', join(WEB, 'tsconfig.json')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`web/ does not typecheck:\n${output}`));
    });
  });
}

function contentHash(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 10);
}

async function bundleAssets() {
  const result = await build({
    entryPoints: ASSET_SOURCES.map((asset) => ({ in: asset.entry, out: asset.name })),
    bundle: true,
    minify: true,
    format: 'esm',
    target: BROWSER_TARGETS,
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    outdir: 'out',
    logLevel: 'silent',
  });
  return ASSET_SOURCES.map((asset) => {
    const output = result.outputFiles.find((file) => file.path === join(resolve('out'), `${asset.name}${asset.extension}`));
    if (!output) throw new Error(`esbuild produced no output for ${relative(ROOT, asset.entry)}`);
    const fileName = `assets/${asset.name}-${contentHash(output.contents)}${asset.extension}`;
    return { reference: asset.reference, fileName, contents: output.contents };
  });
}

async function readPartials() {
  const partials = new Map();
  for (const name of await readdir(PARTIALS)) {
    partials.set(name, (await readFile(join(PARTIALS, name), 'utf8')).trim());
  }
  return partials;
}

/** Puts partials and hashed asset names into one page; unknown includes or assets fail the build. */
function renderPage(name, source, partials, hashedNames) {
  const withPartials = source.replace(/<!--#include ([\w.-]+)-->/g, (_match, partial) => {
    const text = partials.get(partial);
    if (text === undefined) throw new Error(`web/pages/${name}: no partial web/partials/${partial}`);
    return text;
  });
  const withAssets = withPartials.replace(/(\s(?:src|href)=")(\/assets\/[^"]+)"/g, (_match, prefix, reference) => {
    const hashed = hashedNames.get(reference);
    if (hashed === undefined) throw new Error(`web/pages/${name}: ${reference} is not a built asset`);
    return `${prefix}/${hashed}"`;
  });
  // Comments are notes for whoever edits the source, not for every visitor.
  return withAssets.replace(/<!--(?!#)[\s\S]*?-->\s*/g, '').replace(/\n\s*\n/g, '\n');
}

async function renderPages(hashedNames) {
  const partials = await readPartials();
  const names = (await readdir(PAGES)).filter((name) => name.endsWith('.html'));
  return Promise.all(names.map(async (name) => ({
    fileName: name,
    contents: Buffer.from(renderPage(name, await readFile(join(PAGES, name), 'utf8'), partials, hashedNames)),
  })));
}

async function compress(file) {
  const [br, gz] = await Promise.all([
    brotli(file.contents, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
        [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: file.contents.length,
      },
    }),
    gzipAsync(file.contents, { level: zlibConstants.Z_BEST_COMPRESSION }),
  ]);
  return [
    { fileName: `${file.fileName}.br`, contents: br },
    { fileName: `${file.fileName}.gz`, contents: gz },
  ];
}

/** Writes into a sibling folder first and swaps it in, so a server never sees half a build. */
async function writeOutput(out, files) {
  const staging = `${out}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  for (const file of files) {
    const path = join(staging, file.fileName);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.contents);
  }
  await rm(out, { recursive: true, force: true });
  await rename(staging, out);
}

function formatSize(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

async function main() {
  const started = performance.now();
  const { out } = parseArguments(process.argv.slice(2));
  // tsc is the slow part; it runs while esbuild bundles, and nothing is written unless both pass.
  const [assets] = await Promise.all([bundleAssets(), typecheck()]);
  const hashedNames = new Map(assets.map((asset) => [asset.reference, asset.fileName]));
  const pages = await renderPages(hashedNames);
  const files = [...assets, ...pages];
  const compressed = (await Promise.all(files.filter((file) => COMPRESSIBLE.test(file.fileName)).map(compress))).flat();
  await writeOutput(out, [...files, ...compressed]);

  const sizes = new Map(compressed.map((file) => [file.fileName, file.contents.length]));
  for (const file of files) {
    console.log(`  ${file.fileName.padEnd(28)} ${formatSize(file.contents.length).padStart(9)}  br ${formatSize(sizes.get(`${file.fileName}.br`) ?? 0).padStart(8)}`);
  }
  console.log(`build-web: ${files.length} files to ${relative(ROOT, out) || out} in ${Math.round(performance.now() - started)} ms`);
}

main().catch((error) => {
  console.error(`build-web: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
