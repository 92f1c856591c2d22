/**
 * Which Chromium the Playwright tests and benchmarks drive (docs/architecture.md#testing):
 * $CHROMIUM_PATH, then Debian's /usr/bin/chromium, then Playwright's own download. With none,
 * fail at once with the two ways to get one.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Flags for a closed network and a root sandbox (no background connections, no GPU). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  let own = '';
  try { own = chromium.executablePath(); } catch { /* not installed */ }
  if (own && existsSync(own)) return own;
  throw new Error(
    'No Chromium found for the browser tests. Install one of:\n' +
    '  apt-get install chromium            (Debian/Ubuntu; found at /usr/bin/chromium)\n' +
    '  npx playwright install chromium     (Playwright\'s own build)\n' +
    'or point CHROMIUM_PATH at a Chromium binary.',
  );
}
