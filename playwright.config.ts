// Playwright: end-to-end tests of the web UI in Chromium (found, or installed, by scripts/find-browser.ts), against
// the whole stack started once by tests/e2e/global-setup.ts (`npm start` on free ports, a fresh data folder, SQLite, CPU).
import { defineConfig } from '@playwright/test';
import { browserForTests } from './scripts/find-browser.js';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  // The specs share one GPU server whose single loaded model is global state: one at a time. Each spec arranges
  // the state it needs through the API, so any one of them can run alone.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  globalSetup: './tests/e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      // EASEL_CHROMIUM, a system Chromium, Playwright's own, or Debian's package installed as root (scripts/find-browser.ts).
      executablePath: browserForTests(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
