import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the multi-process system tests — three nodes behind nginx with
 * PostgreSQL and Redis, SIGKILL fail-over of every flow, `kefu serve --workers N`. Each file
 * starts several full servers, so on 2 cores they take minutes and starve anything beside them;
 * kept out of `npm test` (which stays under 10 minutes) and run one file at a time. `.ci/run`
 * runs it after `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/system/**/*.test.ts', 'test/cluster/**/*.test.ts'],
    setupFiles: ['test/support/isolate-key-dir.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    maxWorkers: 1,
  },
});
