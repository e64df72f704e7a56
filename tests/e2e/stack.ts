// What every e2e spec shares: the stack started by global-setup.ts (its web URL as baseURL, a typed API client
// for arranging state as a script would), and screenshots kept under test-results/screenshots.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test as base, type Page, type TestInfo } from '@playwright/test';
import { createEaselClient, type EaselClient } from '../../client/index.js';

export { expect } from '@playwright/test';

export interface Stack {
  webUrl: string;
  gpuUrl: string;
  modelsDir: string;
  adminToken: string;
  /** Calls the GPU server directly, recorded with actor "script". */
  api: EaselClient;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests with \`npx playwright test\` so global-setup.ts starts the stack`);
  return value;
}

export const test = base.extend<{ stack: Stack }>({
  baseURL: async ({}, use) => {
    await use(required('EASEL_E2E_WEB_URL'));
  },
  stack: async ({}, use) => {
    const gpuUrl = required('EASEL_E2E_GPU_URL');
    const adminToken = required('EASEL_E2E_ADMIN_TOKEN');
    await use({
      webUrl: required('EASEL_E2E_WEB_URL'),
      gpuUrl,
      modelsDir: required('EASEL_E2E_MODELS_DIR'),
      adminToken,
      api: createEaselClient({ url: `${gpuUrl}/trpc`, token: adminToken, actor: 'script' }),
    });
  },
});

const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

/** A full-page screenshot kept as an artifact (and attached to the test's report). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  // From the top, so the sticky header does not cover part of a scrolled page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Signs the browser context in with the admin token, as a person would on the sign-in page (the session cookie);
 * on `stack`'s web UI, which need not be the global one. */
export async function signIn(page: Page, stack: Stack): Promise<void> {
  const response = await page.request.post(`${stack.webUrl}/api/auth/sign-in`, {
    data: { token: stack.adminToken },
    headers: { origin: stack.webUrl, 'content-type': 'application/json' },
  });
  if (!response.ok()) throw new Error(`signing in failed: HTTP ${response.status()} ${await response.text()}`);
}

/** Elements wider than their box that scroll sideways (the page itself included), as "tag.class scrollWidth>clientWidth". */
export function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) found.push(`page ${root.scrollWidth}>${root.clientWidth}`);
    for (const element of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const overflow = getComputedStyle(element).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') && element.scrollWidth > element.clientWidth + 1) {
        found.push(`${element.tagName.toLowerCase()}.${element.className} ${element.scrollWidth}>${element.clientWidth}`);
      }
    }
    return found;
  });
}
