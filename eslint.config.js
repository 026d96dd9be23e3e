// Lint rules, including the architecture's import arrows (see README "Architecture"):
// cli → app → engines → http → core ← storage, http → sessions, security → core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Forbid a folder from importing the named sibling folders of src/. */
function mayNotImport(folder, forbidden) {
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: forbidden.map((name) => ({
          group: [`**/${name}/*`, `**/${name}`, `../${name}/*`],
          message: `src/${folder} may not import src/${name} (see the architecture in README.md).`,
        })),
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'data/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
  mayNotImport('core', ['storage', 'sessions', 'http', 'engines', 'config', 'cli', 'security', 'app']),
  mayNotImport('storage', ['sessions', 'http', 'engines', 'cli', 'security', 'app']),
  mayNotImport('sessions', ['storage', 'http', 'engines', 'cli', 'app']),
  mayNotImport('http', ['storage', 'engines', 'cli', 'app']),
  mayNotImport('engines', ['storage', 'cli', 'app']),
  mayNotImport('security', ['storage', 'http', 'engines', 'cli', 'app']),
  mayNotImport('config', ['storage', 'sessions', 'http', 'engines', 'cli', 'security', 'app']),
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
