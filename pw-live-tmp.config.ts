import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: '/work/main/tests/e2e', testMatch: /live.*\.spec\.ts/, outputDir: '/tmp/livetry/test-results',
  timeout: 120_000, fullyParallel: false, workers: 1, reporter: [['list']],
});
