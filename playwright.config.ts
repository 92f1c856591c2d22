import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './tests/browser.ts';

// SPLITSTREAM_PORT lets two checkouts run their e2e tests side by side on one machine.
const port = Number(process.env.SPLITSTREAM_PORT ?? 4173);

// End-to-end tests against the built app (dist/, made by `npm run build`), served by
// `vite preview` with the isolation headers. Benchmarks live in tests/bench with their own runner.
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}/`,
    browserName: 'chromium',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    viewport: { width: 1280, height: 800 },
    // A returning visitor: the tour opens by itself only on a first visit (web/ui/use-tour.ts);
    // tests/e2e/ui-tour.spec.ts starts from empty storage to see that.
    storageState: { cookies: [], origins: [{ origin: `http://localhost:${port}`, localStorage: [{ name: 'splitstream.tour', value: 'seen' }] }] },
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
