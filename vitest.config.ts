import { defineConfig } from 'vitest/config';

// Test tiers by file name. The e2e timeouts are the fallback budget of a test that names none;
// the browser tests (test/browser) set their own per-test budgets and step deadlines, sized for a
// loaded 2-core machine (test/browser/browser.ts). e2e files run one at a time: each starts
// Chromium, `reckon serve` or whole CLI runs, and two at once only slow each other down.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'] } },
      { test: { name: 'int', include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'], testTimeout: 120_000, hookTimeout: 180_000 } },
      { test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], testTimeout: 300_000, hookTimeout: 300_000, fileParallelism: false } },
    ],
  },
});
