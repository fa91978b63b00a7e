import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The e2e tests spend most of their time waiting on the processes they start: two workers
    // keep both cores of the CI machine busy (the default leaves one idle on two cores).
    maxWorkers: 2,
    globalSetup: ['tests/support/tmpfs-workspaces.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          isolate: false,
          // In-process runs of the harness log their deliberate failures; keep the test output readable.
          env: { OBS_LOG_LEVEL: 'silent' },
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
