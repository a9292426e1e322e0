import { defineConfig } from 'vitest/config';

/**
 * Two projects: `node` (shared/, electron/host/, the reference portal) and `browser`
 * (playwright-core driving Debian's Chromium against the web host), one after the other because
 * the CI machine has 2 cores and Chromium wants one of them.
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: [
      { test: { name: 'node', include: ['test/node/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
