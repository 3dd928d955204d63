/** Packages published as ES modules only, which the tests load through a CommonJS shim. */
const ESM_ONLY = ['pdfjs-dist', 'mime', 'jose', 'franc-min', 'trigram-utils', 'n-gram', 'collapse-white-space'].join(
  '|',
);

/** Tests are TypeScript compiled by swc (no type-check here: `npm test` runs tsc first). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    [`^.+/node_modules/(${ESM_ONLY})/.+\\.m?js$`]: '<rootDir>/test/support/esm-to-cjs.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  testTimeout: 60_000,
  // Two suites at a time even on a 2-core machine (jest would run one): most suites wait on engines, Lambda workers,
  // ffmpeg and models in other processes, so one suite leaves a core mostly idle.
  maxWorkers: Math.max(2, require('node:os').availableParallelism() - 1),
  // Longest suites first, from jest's cache or, on a fresh clone, from test/support/durations.json.
  testSequencer: '<rootDir>/test/support/sequencer.js',
  setupFiles: ['<rootDir>/test/support/env.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
