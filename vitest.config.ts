import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests need Chromium, which `npm test` does not ask of a machine: npm run test:browser.
    exclude: ['test/browser/**', 'node_modules/**'],
    // One DynamoDB Local (a Java process) for the whole run; every test file gets its own tables.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Handlers log through Powertools; tests assert outcomes, so only errors reach the output, and
    // the EMF metric lines (one per invocation) stay out of it (test/unit/observability.test.ts
    // turns them on to check them).
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 90_000,
    teardownTimeout: 15_000,
  },
});
