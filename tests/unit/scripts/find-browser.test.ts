// The browser finder's order (EASEL_CHROMIUM, system, Playwright's own, Playwright install, apt) with injected probes.
import { describe, expect, it } from 'vitest';
import { findBrowser, type BrowserProbes } from '../../../scripts/find-browser.js';

const BUNDLED = '/root/.cache/ms-playwright/chromium/chrome';

interface Machine {
  env?: Record<string, string>;
  executables?: string[];
  path?: Record<string, string>;
  online?: boolean;
  /** What each install puts on the machine when it succeeds. */
  playwrightInstalls?: boolean;
  aptInstalls?: boolean;
  root?: boolean;
}

function probes(machine: Machine): BrowserProbes & { calls: string[] } {
  const executables = new Set(machine.executables ?? []);
  const calls: string[] = [];
  return {
    calls,
    env: machine.env ?? {},
    isExecutable: (path) => executables.has(path),
    onPath: (name) => machine.path?.[name],
    playwrightBrowserPath: () => BUNDLED,
    canReachPlaywrightDownloads: () => {
      calls.push('reach');
      return machine.online ?? false;
    },
    installPlaywrightBrowser: () => {
      calls.push('playwright install');
      if (machine.playwrightInstalls) executables.add(BUNDLED);
      return machine.playwrightInstalls ?? false;
    },
    canUseApt: () => machine.root ?? false,
    installDebianChromium: () => {
      calls.push('apt');
      if (machine.aptInstalls) executables.add('/usr/bin/chromium');
      return machine.aptInstalls ?? false;
    },
    log: () => undefined,
  };
}

describe('findBrowser', () => {
  it('takes EASEL_CHROMIUM before a system browser', () => {
    const machine = probes({ env: { EASEL_CHROMIUM: '/opt/chrome/chrome' }, executables: ['/opt/chrome/chrome', '/usr/bin/chromium'] });
    expect(findBrowser(machine)).toEqual({ path: '/opt/chrome/chrome', source: 'EASEL_CHROMIUM' });
  });

  it('refuses an EASEL_CHROMIUM that is not executable, naming it, instead of silently using another browser', () => {
    const machine = probes({ env: { EASEL_CHROMIUM: '/nowhere/chrome' }, executables: ['/usr/bin/chromium'] });
    expect(() => findBrowser(machine)).toThrow(/EASEL_CHROMIUM is \/nowhere\/chrome/);
  });

  it('uses a system Chromium without touching the network', () => {
    const machine = probes({ executables: ['/usr/bin/chromium', BUNDLED], online: true });
    expect(findBrowser(machine)).toEqual({ path: '/usr/bin/chromium', source: 'system' });
    expect(machine.calls).toEqual([]);
  });

  it('finds google-chrome on PATH', () => {
    const machine = probes({ path: { 'google-chrome': '/home/me/bin/google-chrome' } });
    expect(findBrowser(machine)).toEqual({ path: '/home/me/bin/google-chrome', source: 'system' });
  });

  it("uses Playwright's browser already installed before trying to install anything", () => {
    const machine = probes({ executables: [BUNDLED], online: true, root: true, aptInstalls: true });
    expect(findBrowser(machine)).toEqual({ path: BUNDLED, source: 'playwright' });
    expect(machine.calls).toEqual([]);
  });

  it("installs Playwright's browser when the network allows", () => {
    const machine = probes({ online: true, playwrightInstalls: true, root: true, aptInstalls: true });
    expect(findBrowser(machine)).toEqual({ path: BUNDLED, source: 'playwright-install' });
    expect(machine.calls).toEqual(['reach', 'playwright install']);
  });

  it('offline, skips the Playwright install and installs Debian\'s chromium as root', () => {
    const machine = probes({ online: false, root: true, aptInstalls: true });
    expect(findBrowser(machine)).toEqual({ path: '/usr/bin/chromium', source: 'apt' });
    expect(machine.calls).toEqual(['reach', 'apt']);
  });

  it('falls back to apt when the Playwright install fails', () => {
    const machine = probes({ online: true, playwrightInstalls: false, root: true, aptInstalls: true });
    expect(findBrowser(machine).source).toBe('apt');
    expect(machine.calls).toEqual(['reach', 'playwright install', 'apt']);
  });

  it('without root, stops with one message saying what to run', () => {
    const machine = probes({ online: false, root: false, aptInstalls: true });
    expect(() => findBrowser(machine)).toThrow(/apt-get install -y chromium.*npx playwright install chromium.*EASEL_CHROMIUM/);
    expect(machine.calls).toEqual(['reach']);
  });
});
