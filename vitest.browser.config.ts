import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/** `npm run test:browser`: the pages in headless Chromium (Debian's), against the local stack. */
export default defineConfig({
  test: { ...base.test, include: ['test/browser/**/*.test.ts'], exclude: ['node_modules/**'] },
});
