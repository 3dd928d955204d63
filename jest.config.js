/** Tests are TypeScript compiled by swc (no type-check here: `npm test` runs tsc first). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    '^.+/node_modules/(pdfjs-dist|mime|franc-min|trigram-utils|n-gram|collapse-white-space)/.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!(pdfjs-dist|mime|franc-min|trigram-utils|n-gram|collapse-white-space)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  testTimeout: 60_000,
  setupFiles: ['<rootDir>/test/support/env.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
