/**
 * Shared setup of the live-runtime browser tests: a persistent Chromium
 * context, so OPFS lives on disk as it does for a user (Playwright's default context keeps
 * it in memory), on a fresh profile per test; the page served by `vite preview` of the
 * built app (playwright.config.ts).
 *
 * SPLITSTREAM_URL points the tests at another server (a `vite` dev server, another build).
 * If the page has not installed window.splitstream itself (web/main.tsx calls
 * installAutomation()), the fixture tries to import web/automation.ts from the server, which
 * only a dev server can answer; otherwise the tests fail saying the API is missing.
 */
import { test as base, chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from '../browser.ts';

export const BASE_URL = process.env.SPLITSTREAM_URL ?? `http://localhost:${process.env.SPLITSTREAM_PORT ?? 4173}/`;

/**
 * Opens the app (with `hash`, a permalink's `s=…`, when given) and waits until it is
 * isolated and window.splitstream answers.
 */
export async function openApp(page: Page, hash = ''): Promise<void> {
  await page.goto(hash ? `${BASE_URL}#${hash}` : BASE_URL);
  await page.waitForFunction(() => globalThis.crossOriginIsolated === true, undefined, { timeout: 30_000 });
  await page.waitForLoadState('load');
  await page.evaluate(async () => {
    if ('splitstream' in window) return;
    try {
      const m = await import(/* @vite-ignore */ `${location.origin}/web/automation.ts`);
      m.installAutomation();
    } catch {
      throw new Error('window.splitstream is missing: web/main.tsx must call installAutomation() (web/automation.ts)');
    }
  });
  await page.waitForFunction(() => 'splitstream' in window, undefined, { timeout: 30_000 });
}

export const test = base.extend<{ persistent: BrowserContext; livePage: Page }>({
  persistent: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'splitstream-live-'));
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: findChromium(), args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 },
    });
    try {
      await use(context);
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  livePage: async ({ persistent }, use) => {
    // A returning visitor: the guided tour does not open by itself (web/ui/use-tour.ts).
    await persistent.addInitScript(() => localStorage.setItem('splitstream.tour', 'seen'));
    const page = persistent.pages()[0] ?? (await persistent.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await openApp(page);
    await use(page);
    expect(errors, 'uncaught errors on the page').toEqual([]);
  },
});

export { expect };

/** A small scenario with a busy client (thousands of writes a second) for live runs. */
export function busyScenario(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1, name: 'live: busy client', seed: 7, mode: 'E1', e4Via: 'E1',
    geometry: { blocks: 1024, blockBytes: 4096, cacheSlots: 256 },
    initial: { pair: 'duplex', pending: 0.3, dirtyInCache: 0.25 },
    workload: { pattern: 'hotspot', rate: 2000, minBlocks: 1, maxBlocks: 4, hotFraction: 0.2, hotWeight: 0.8 },
    costs: {
      diskReadMBps: 400, diskWriteMBps: 300, diskLatencyMs: 0.05, tapeMBps: 300, tapeLatencyMs: 0.02,
      cacheMBps: 4000, cacheLatencyMs: 0.002, cmdMs: 0.01, lanMs: 0.2, pollMs: 1,
    },
    script: [
      { at: 20, op: 'split' },
      { at: 20, op: 'backup', lba: 0, blocks: 0, transferBlocks: 8, check: 'unit' },
    ],
    ...over,
  };
}
