import { defineConfig } from 'vitest/config';

/**
 * `npm run test:electron`: what needs the Electron binary (test/electron/): the escape battery and
 * the window's posture in the real app, the packaging step and its fuses. Not part of `npm test`;
 * each file skips itself, saying why, where node_modules/electron/dist is absent. One file at a
 * time: each starts Electron, or electron-builder.
 */
export default defineConfig({
  test: {
    include: ['test/electron/**/*.test.ts'],
    reporters: ['default', './test/support/summaryReporter.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
