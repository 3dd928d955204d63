// @ts-check
/**
 * ESLint's recommended rules and typescript-eslint's, plus the import boundaries of the architecture: a backend
 * (`lambdas/<backend>/`) imports neither another backend nor anything outside `lambdas/` (what two backends share
 * lives in `lambdas/shared/`, which imports no backend), and no Lambda code imports local-mode code.
 */
const fs = require('node:fs');
const path = require('node:path');
const js = require('@eslint/js');
const importPlugin = require('eslint-plugin-import');
const globals = require('globals');
const tseslint = require('typescript-eslint');

const LAMBDAS = path.join(__dirname, 'lambdas');

/** Every folder of `lambdas/` but `shared/` is a backend, so a new backend is covered the day it is created. */
const BACKENDS = fs
  .readdirSync(LAMBDAS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
  .map((entry) => entry.name);

/** `import/no-restricted-paths` zones: `target` files may not import from `from` (paths resolved, not matched). */
const IMPORT_ZONES = [
  ...BACKENDS.map((backend) => ({
    target: `./lambdas/${backend}`,
    from: './lambdas',
    except: [`./${backend}`, './shared'],
    message: `lambdas/${backend}/ may import only itself and lambdas/shared/: backends never import each other; move what two backends need to lambdas/shared/.`,
  })),
  {
    target: './lambdas/shared',
    from: './lambdas',
    except: ['./shared'],
    message: 'lambdas/shared/ is what backends share: it imports no backend.',
  },
  {
    target: './lambdas',
    from: ['./lib', './test', './bin', './bench'],
    message:
      'Lambda code is bundled and deployed on its own: it imports nothing from lib/, test/, bin/ or bench/ (the stack and local mode import lambdas/, never the other way).',
  },
];

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.mediaplane/', 'coverage/', 'docs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A `let` assigned once, after a callback that reads it was created (a server's handler needs what is built
      // once the server listens), cannot be a `const`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading underscore marks a binding left unused on purpose (a parameter an interface requires, a property
      // taken out of a rest object), as TypeScript's own noUnusedParameters treats it.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // TypeScript files are type-checked with noUnusedLocals and noUnusedParameters (same leading-underscore
    // convention), which report what this rule would: in lint it cost about a tenth of ESLint's time for nothing more.
    files: ['**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read JSON bodies, templates and records whose shape the assertions that follow then check.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      // CommonJS files (configs, the Lambda runtime's worker, a jest transform) load modules with require.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['lambdas/**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } } },
    rules: {
      'import/no-restricted-paths': ['error', { zones: IMPORT_ZONES }],
    },
  },
  {
    files: ['lambdas/**/*.ts'],
    // The local search engine (SQLite) lives beside the OpenSearch adapter; only its own files may use it.
    ignores: ['lambdas/**/local/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)local(/|$)',
              // A type describes code; it brings none into the bundle.
              allowTypeImports: true,
              message:
                'Deployed code knows nothing about local mode: Lambda code imports no local-mode code (lib/local/, a local/ engine).',
            },
          ],
        },
      ],
    },
  },
);
