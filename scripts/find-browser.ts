// Finds (or, failing that, installs) the Chromium the browser tests run in, so `npm test` works on a fresh machine.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium } from '@playwright/test';
import { EaselError } from '../server/core/errors.js';

export type BrowserSource = 'EASEL_CHROMIUM' | 'system' | 'playwright' | 'playwright-install' | 'apt';

export interface BrowserChoice {
  path: string;
  source: BrowserSource;
}

/** Everything the decision touches on the machine, injected so the order can be tested without installing anything. */
export interface BrowserProbes {
  env: Readonly<Record<string, string | undefined>>;
  isExecutable(path: string): boolean;
  /** The first executable of that name on PATH. */
  onPath(name: string): string | undefined;
  /** Where Playwright keeps its own Chromium (present or not). */
  playwrightBrowserPath(): string;
  /** A quick check that Playwright's download host answers, so an offline machine skips the install at once. */
  canReachPlaywrightDownloads(): boolean;
  installPlaywrightBrowser(): boolean;
  /** Root, with apt-get: Debian's chromium package can be installed. */
  canUseApt(): boolean;
  installDebianChromium(): boolean;
  log(line: string): void;
}

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function systemBrowser(probes: BrowserProbes): string | undefined {
  const fixed = SYSTEM_PATHS.find((path) => probes.isExecutable(path));
  if (fixed) return fixed;
  for (const name of SYSTEM_NAMES) {
    const found = probes.onPath(name);
    if (found) return found;
  }
  return undefined;
}

const WHAT_TO_RUN =
  'No Chromium for the browser tests. Install one, then run `npm test` again: `sudo apt-get install -y chromium` (Debian/Ubuntu), ' +
  'or `npx playwright install chromium` (needs internet), or point EASEL_CHROMIUM at a Chromium or Chrome executable.';

/** EASEL_CHROMIUM, a system Chromium, Playwright's own (installed when the network allows), Debian's package as root. */
export function findBrowser(probes: BrowserProbes): BrowserChoice {
  const chosen = probes.env.EASEL_CHROMIUM;
  if (chosen) {
    if (probes.isExecutable(chosen)) return { path: chosen, source: 'EASEL_CHROMIUM' };
    throw new EaselError('NOT_FOUND', `EASEL_CHROMIUM is ${chosen}, which is not an executable file: fix the path or unset it to let the tests find a browser.`);
  }
  const system = systemBrowser(probes);
  if (system) return { path: system, source: 'system' };

  const bundled = probes.playwrightBrowserPath();
  if (probes.isExecutable(bundled)) return { path: bundled, source: 'playwright' };
  if (probes.canReachPlaywrightDownloads()) {
    probes.log('No system Chromium: installing Playwright\'s (npx playwright install chromium)…');
    if (probes.installPlaywrightBrowser() && probes.isExecutable(bundled)) return { path: bundled, source: 'playwright-install' };
  }

  if (probes.canUseApt()) {
    probes.log('No system Chromium: installing Debian\'s (apt-get install -y chromium)…');
    if (probes.installDebianChromium()) {
      const installed = systemBrowser(probes);
      if (installed) return { path: installed, source: 'apt' };
    }
  }
  throw new EaselError('NOT_FOUND', WHAT_TO_RUN);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Output is captured, not shown: a failed attempt is summed up by the final message, not by a page of logs. */
function runQuietly(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const result = spawnSync(command, args, { stdio: 'pipe', timeout: timeoutMs, env });
  return result.status === 0;
}

const REACH_TIMEOUT_MS = 4000;
const REACH_SCRIPT = `
const url = new URL(process.argv[1]);
const req = require('node:https').request(url, { method: 'HEAD', timeout: ${REACH_TIMEOUT_MS} }, () => process.exit(0));
req.on('timeout', () => process.exit(1));
req.on('error', () => process.exit(1));
req.end();`;

function machineProbes(): BrowserProbes {
  const env = process.env;
  return {
    env,
    isExecutable,
    onPath: (name) => (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name)).find(isExecutable),
    playwrightBrowserPath: () => chromium.executablePath(),
    canReachPlaywrightDownloads: () =>
      runQuietly(process.execPath, ['-e', REACH_SCRIPT, env.PLAYWRIGHT_DOWNLOAD_HOST ?? 'https://cdn.playwright.dev'], REACH_TIMEOUT_MS + 1000),
    installPlaywrightBrowser: () => runQuietly('npx', ['playwright', 'install', 'chromium'], 600_000),
    canUseApt: () => process.getuid?.() === 0 && (isExecutable('/usr/bin/apt-get') || isExecutable('/bin/apt-get')),
    installDebianChromium: () => {
      const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
      runQuietly('apt-get', ['update', '-qq'], 300_000, aptEnv);
      return runQuietly('apt-get', ['install', '-y', '-qq', 'chromium'], 600_000, aptEnv);
    },
    log: (line) => console.log(line),
  };
}

/**
 * The browser for this test run. The choice is kept in EASEL_CHROMIUM so Playwright's workers, which load the
 * config again with the same environment, reuse it instead of searching (or installing) once more.
 */
export function browserForTests(): string {
  let choice: BrowserChoice;
  try {
    choice = findBrowser(machineProbes());
  } catch (error) {
    // One clear line instead of a stack trace from inside Playwright's config loader.
    console.error(error instanceof EaselError ? error.message : error);
    process.exit(1);
  }
  if (choice.source !== 'EASEL_CHROMIUM' && choice.source !== 'system') console.log(`Browser tests run in ${choice.path} (${choice.source}).`);
  process.env.EASEL_CHROMIUM = choice.path;
  return choice.path;
}
