import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './static-server.ts';

/** Collects console errors and uncaught page errors, which a healthy page never has. */
function watchErrors(page: import('@playwright/test').Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test('the page loads isolated, and the worker-WASM-shared-memory chain answers', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('splitstream');
  const status = page.getByTestId('status');
  await expect(status).toHaveAttribute('data-state', 'ready');
  await expect(status).toContainText('worker WASM answered 42 through shared memory');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(errors).toEqual([]);
});

test('dist/ on a plain static host (no COOP/COEP headers) becomes isolated via the service worker', async ({ page }) => {
  const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
  const server = await serveStatic(dist);
  try {
    const first = await page.request.get(server.url);
    expect(first.headers()['cross-origin-opener-policy']).toBeUndefined();
    await page.goto(server.url);
    // coi-serviceworker registers, then reloads the page once under its headers.
    await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  } finally {
    await server.close();
  }
});

test('from a file:// URL the page says plainly why it cannot run', async ({ page }) => {
  const dist = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
  await page.goto(`file://${dist}`);
  const status = page.getByTestId('status');
  await expect(status).toHaveAttribute('data-state', 'unavailable');
  await expect(status).toContainText('file:// URL');
});

test('with no headers and service workers refused, the page explains instead of breaking', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const server = await serveStatic(fileURLToPath(new URL('../../dist/', import.meta.url)));
  try {
    await page.goto(server.url);
    const status = page.getByTestId('status');
    await expect(status).toHaveAttribute('data-state', 'unavailable');
    await expect(status).toContainText('not cross-origin isolated');
    // (Console errors are not checked here: Playwright's blocked register() resolves to
    // undefined, which coi-serviceworker itself trips over; no real browser does that.)
  } finally {
    await server.close();
    await context.close();
  }
});
