// Lint rules, including the architecture's import arrows (see README "Architecture"):
// cli → app → engines → http → core ← storage, http → sessions, security → core; connections/ for
// clients of outside services, ops/ for process-level concerns, lib/ for standalone frameworks.
import { readdirSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const src = resolve(dirname(fileURLToPath(import.meta.url)), 'src');

/**
 * What each folder of src/ may import besides itself; `.` is the files at the top of src/ (app.ts,
 * the composition root, and server.ts). Anything not listed is forbidden, so a new import between
 * folders is a decision made here, and a new folder must get a line (lint fails until it has one).
 */
const root = '.';
const mayImport = {
  core: [],
  lib: [],
  config: ['core'],
  connections: ['config', 'core'],
  storage: ['config', 'core', 'connections'],
  sessions: ['config', 'core', 'connections'],
  security: ['config', 'core', 'connections'],
  http: ['config', 'core', 'sessions', 'security'],
  engines: ['config', 'core', 'http', 'lib'],
  // Signals, graceful shutdown, log writing and rotation, backups: below the app, beside storage.
  ops: ['config', 'core', 'connections', 'storage'],
  // Access-log analysis (`logs analyze`): node: modules and libraries only.
  'log-analysis': [],
  // `contract-test`: the course API's contract as checks over HTTP, for any server; the catalogue only.
  'contract-test': ['core'],
  [root]: ['config', 'core', 'connections', 'storage', 'sessions', 'security', 'http', 'engines', 'ops'],
  cli: [root, 'config', 'core', 'connections', 'storage', 'sessions', 'security', 'http', 'engines', 'ops', 'log-analysis', 'contract-test'],
};

const unlisted = readdirSync(src, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !(entry.name in mayImport)).map((entry) => entry.name);
if (unlisted.length > 0) throw new Error(`eslint.config.js: give src/${unlisted.join(', src/')} a line in mayImport (the import arrows)`);

/** The part of src/ a path is in: its first folder, or `.` for a file at the top; undefined outside src/. */
function areaOf(path) {
  const inside = relative(src, path);
  if (inside === '' || inside.startsWith('..')) return undefined;
  const parts = inside.split(sep);
  return parts.length === 1 ? root : parts[0];
}

const describeArea = (area, source) => (area === root ? `src/${source.split('/').pop()}` : `src/${area}`);

/** Calls `check(node, source)` for every static import, re-export and literal dynamic import. */
function eachImport(check) {
  const visit = (node) => {
    if (node.source && typeof node.source.value === 'string') check(node.source, node.source.value);
  };
  return { ImportDeclaration: visit, ExportNamedDeclaration: visit, ExportAllDeclaration: visit, ImportExpression: visit };
}

const architecture = {
  rules: {
    'import-arrows': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const from = areaOf(context.filename);
        if (from === undefined) return {};
        return eachImport((node, source) => {
          if (!source.startsWith('.')) return;
          const to = areaOf(resolve(dirname(context.filename), source));
          if (to === undefined || to === from || mayImport[from].includes(to)) return;
          context.report({ node, message: `${from === root ? 'a file at the top of src/' : `src/${from}`} may not import ${describeArea(to, source)} (see the import arrows in eslint.config.js and README.md).` });
        });
      },
    },
    'only-imports': {
      meta: { type: 'problem', schema: [{ type: 'array', items: { type: 'string' } }] },
      create(context) {
        const allowed = context.options[0] ?? [];
        return eachImport((node, source) => {
          if (!allowed.includes(source)) context.report({ node, message: `${source}: this file may import only ${allowed.join(', ')}.` });
        });
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'data/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['deploy/**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', fetch: 'readonly', URLSearchParams: 'readonly', TextEncoder: 'readonly', structuredClone: 'readonly', performance: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { architecture },
    rules: { 'architecture/import-arrows': 'error' },
  },
  {
    // An engine only translates its framework: what it needs from src/http is in one module.
    files: ['src/engines/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../http/*', '!../http/engine-support.ts'], message: 'an engine imports src/http only through src/http/engine-support.ts.' }],
      }],
    },
  },
  {
    // A migration that shipped runs the same SQL for ever: it imports nothing that can change later.
    files: ['src/storage/migrations/[0-9]*.ts'],
    rules: { 'architecture/only-imports': ['error', ['kysely', './per-dialect.ts']] },
  },
  {
    files: ['src/storage/migrations/per-dialect.ts'],
    rules: { 'architecture/only-imports': ['error', ['kysely']] },
  },
  // The teaching frameworks stand alone: node: modules and their own folder's files, nothing of src/ or npm.
  {
    files: ['src/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!node:|\\./)', message: 'src/lib imports only node: modules and files of its own folder (see README "The middleware principle").' }],
      }],
    },
  },
);
