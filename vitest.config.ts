import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests need Chromium, which `npm test` does not ask of a machine: npm run test:browser.
    exclude: ['test/browser/**', 'node_modules/**'],
    // One DynamoDB Local (a Java process) for the whole run; every test file gets its own tables.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Handlers log through Powertools; tests assert outcomes, so only errors reach the output.
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
    testTimeout: 30_000,
    hookTimeout: 90_000,
    teardownTimeout: 15_000,
  },
});
