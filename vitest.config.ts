import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: more forks than that only adds contention.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Two projects sharing the options above (`extends: true`; `include` lives in each project, as
    // extending concatenates lists): `npm test` runs both.
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/io/**'] },
      },
      {
        extends: true,
        // Real loopback sockets and wall-clock timeouts: one file at a time, so a busy neighbour
        // cannot starve a timing assertion.
        // The CLI is built once for the tests that spawn it (`build-cli.global.ts`).
        test: { name: 'sockets', include: ['test/io/**/*.test.ts'], fileParallelism: false, globalSetup: ['test/support/build-cli.global.ts'] },
      },
    ],
  },
});
