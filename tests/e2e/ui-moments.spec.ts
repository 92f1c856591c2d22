// Each mode's key moment, where the modes differ (docs/patent.md#the-flows): the preset
// line names it, "Go there" seeks the playhead to it and its timeline row is marked; Compare
// leads to it too. At 1280 × 800 no text is cut off, the timeline's labels included.
import { expect, test } from '@playwright/test';
import { cutText, gotoReady, key, settle, shoot, uiErrors } from './page-helpers.ts';

test.describe.configure({ timeout: 240_000 });

const MODE_PRESETS: [string, string][] = [
  ['E1', 'e1-priority-copy.json'], ['E2', 'e2-wait-differential.json'], ['E2h', 'e2h-poll-svol-state.json'],
  ['E3', 'e3-staging-merge.json'], ['E4', 'e4-combined-command.json'], ['sync', 'sync-prior-art.json'],
  ['naive', 'naive-quick-split-inconsistent.json'],
];
/** The event each mode's moment is (web/ui/key-moments.ts). */
const EV: Record<string, string> = {
  E1: 'priority.req', E2: 'backup.hold', E2h: 'state', E3: 'merge.done', E4: 'backup.cmd', sync: 'split.ack', naive: 'stage.done',
};

test('each mode preset shows its key moment, and Go there seeks to it', async ({ page }, info) => {
  const errors = uiErrors(page);
  await gotoReady(page, '/');
  for (const [mode, file] of MODE_PRESETS) {
    await page.getByTestId('preset').selectOption(file);
    await expect(page.getByTestId('mode')).toHaveValue(mode);
    const line = page.getByTestId('key-moment');
    await expect(line).toHaveAttribute('data-mode', mode, { timeout: 60_000 });
    const t = (await line.getAttribute('data-t'))!;
    expect(Number(t)).toBeGreaterThan(0);
    await page.getByTestId('go-moment').click();
    await settle(page);
    await expect(page.getByTestId('clock').locator('b')).toHaveText(t);
    // Its row is marked and in view, at the playhead's time.
    const row = page.locator('[data-testid="sequence"] .seq-row[data-mark="key"]');
    await expect(row).toHaveAttribute('data-ev', EV[mode]);
    await expect(row).toBeInViewport();
    await expect(row.locator('.seq-time')).toContainText(t);
    await expect(page.getByTestId('key-text')).not.toBeEmpty();
    await shoot(page, info, `moment-${mode}`, false);
  }
  expect(errors).toEqual([]);
});

test('Compare leads to each mode\'s key moment', async ({ page }) => {
  const errors = uiErrors(page);
  await gotoReady(page, '/');
  await key(page, 'c');
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(7, { timeout: 180_000 });
  for (const mode of ['E3', 'E2']) {
    await page.getByTestId(`moment-${mode}`).click();
    await expect(page.getByTestId('mode')).toHaveValue(mode);
    const line = page.getByTestId('key-moment');
    await expect(line).toHaveAttribute('data-mode', mode, { timeout: 60_000 });
    await settle(page);
    await expect(page.getByTestId('clock').locator('b')).toHaveText((await line.getAttribute('data-t'))!);
    // Compare runs again for the new preset before the next row is followed.
    await page.getByTestId('tab-compare').click();
    await key(page, 'c');
    await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(7, { timeout: 180_000 });
  }
  expect(errors).toEqual([]);
});

test('at 1280 × 800 nothing is cut off, and every timeline label is whole', async ({ page }, info) => {
  const errors = uiErrors(page);
  for (const file of ['e1-priority-copy.json', 'naive-quick-split-inconsistent.json', 'e4-combined-command.json', 'incremental-restore.json']) {
    await gotoReady(page, '/');
    await page.getByTestId('preset').selectOption(file);
    await expect(page.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });
    for (const at of ['Home', 'End']) {
      await key(page, at);
      await settle(page);
      expect(await cutText(page), `${file} at ${at}`).toEqual([]);
      const shortened = await page.locator('.seq-label').evaluateAll((ts) => ts.map((t) => t.textContent ?? '').filter((x) => x.endsWith('…')));
      expect(shortened, file).toEqual([]);
    }
    await key(page, 'c');
    await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(7, { timeout: 180_000 });
    expect(await cutText(page), `${file}: compare`).toEqual([]);
  }
  await shoot(page, info, 'wide-compare-e4');
  expect(errors).toEqual([]);
});
