import { defineConfig } from 'vitest/config';

// Test tiers by file name. The e2e timeouts are the fallback budget of a test that names none;
// the browser tests (test/browser) set their own per-test budgets and step deadlines, sized for a
// loaded 2-core machine (test/browser/browser.ts). e2e files run two at a time: one at a time,
// they were the suite's critical path (their durations add up to ~8 of its ~10 minutes here), and
// much of each is spent waiting on child processes (CLI runs, `reckon serve`, Chromium). Measured
// here under load: `vitest run --project e2e` 279 s with two workers against ~473 s in a row.
// vitest 4 runs projects of one `sequence.groupOrder` together and requires them to share
// `maxWorkers`, so the worker count is set once here for every tier.
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'] } },
      { test: { name: 'int', include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'], testTimeout: 120_000, hookTimeout: 180_000 } },
      { test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 } },
    ],
  },
});
