// The guided tour, end to end, as a newcomer meets it: a first visit opens it; each step
// plays the real timeline to its moment and lights up what it talks about; the keyboard
// drives it (→ Enter ← Esc) and focus comes back; a link opens at a step beside a scenario;
// a screenshot of every step at 1280 × 800 and at 390 × 844 is saved as a test artifact.
import { expect, test, type Page } from '@playwright/test';
import { PERMALINK_KEY } from '../../src/scenario/permalink.ts';
import { cutText, key, settle, shoot, uiErrors } from './page-helpers.ts';

// A first visit: nothing in this browser's storage (the config makes every other test a
// returning visitor).
test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ timeout: 240_000 });

const STEPS = 8;
const tour = (page: Page) => page.getByTestId('tour');

/** Waits until the step is on screen: its run computed, its moment sought, its parts lit. */
async function stepReady(page: Page, n: number): Promise<void> {
  await expect(tour(page)).toHaveAttribute('data-step', String(n), { timeout: 60_000 });
  await expect(tour(page)).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  await settle(page);
  await expect(page.locator('[data-tour-target]').first()).toBeVisible();
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(new RegExp(`&tour=${n}$`));
}

const clock = async (page: Page) => Number((await page.getByTestId('clock').locator('b').textContent())!);

test('a first visit opens the tour; it plays every step of the story with the keyboard', async ({ page }, info) => {
  const errors = uiErrors(page);
  await page.goto('/');
  await stepReady(page, 1);
  await expect(tour(page)).toContainText('A pair in duplex');
  await expect(page.getByTestId('state-517')).toHaveText('duplex');
  // Focus is on the step's title (a screen reader reads it), the picture's parts glow.
  await expect(page.locator('#tour-title')).toBeFocused();
  await expect(page.locator('[data-part="601"]')).toHaveAttribute('data-tour-target', '');
  await expect(page.getByTestId('heat-514')).toHaveAttribute('data-tour-target', '');
  await shoot(page, info, 'tour-1280-step-1', false);
  // Help opens over the tour; Esc closes Help only.
  await key(page, '?');
  await expect(page.getByTestId('help')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toBeHidden();
  await expect(tour(page)).toHaveAttribute('data-step', '1');
  await page.locator('#tour-title').focus();

  const checks: Record<number, () => Promise<void>> = {
    2: async () => {
      // Split answered at once: 516 split, 517 split-pending, the playhead at the ack.
      await expect(page.getByTestId('state-516')).toHaveText('split');
      await expect(page.getByTestId('state-517')).toHaveText('split-pending');
      await expect(page.locator('[data-testid="sequence"] .seq-row[data-focus]')).toHaveAttribute('data-ev', 'split.ack');
      expect(await clock(page)).toBeLessThan(1);
    },
    3: async () => {
      await expect(page.locator('[data-testid="sequence"] .seq-row[data-focus]')).toHaveAttribute('data-ev', 'cow.done');
      await expect(page.locator('[data-part="508"]')).toHaveAttribute('data-tour-target', '');
    },
    4: async () => {
      // Half drained: fewer pending blocks than at the split, but not none.
      const set = Number(await page.getByTestId('heat-514').getAttribute('data-set'));
      expect(set).toBeGreaterThan(0);
      expect(set).toBeLessThanOrEqual(512);
    },
    5: async () => { await expect(page.locator('[data-testid="sequence"] .seq-row[data-focus]')).toHaveAttribute('data-ev', 'tape.write'); },
    6: async () => {
      // The prior art: its preset, and the bad block marked on the map and in the timeline.
      await expect(page.getByTestId('mode')).toHaveValue('naive');
      await expect(page.getByTestId('heat-514')).toHaveAttribute('data-mark', /^\d+$/);
      // The stale read is the naive run's key moment too (marked as such); the report gets the bad mark below.
      await expect(page.locator('[data-testid="sequence"] .seq-row[data-focus]')).toHaveAttribute('data-ev', 'stage.done');
      await expect(page.locator('[data-testid="sequence"] .seq-row[data-focus]')).toHaveAttribute('data-mark', /^(key|bad)$/);
      await expect(tour(page)).toContainText(`block ${await page.getByTestId('heat-514').getAttribute('data-mark')}`);
    },
    7: async () => {
      await expect(page.locator('[data-testid="sequence"] .seq-row[data-focus]')).toHaveAttribute('data-ev', 'backup.report');
      await expect(page.locator('[data-testid="sequence"] .seq-row[data-focus]')).toHaveAttribute('data-mark', 'bad');
      await expect(page.getByTestId('mini-verdict')).toContainText('told the backup succeeded');
      await expect(page.getByTestId('verdict-why')).toContainText('told the backup succeeded');
    },
    8: async () => {
      await expect(page.getByTestId('mode')).toHaveValue('E1');
      await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(7, { timeout: 180_000 });
      await expect(page.getByTestId('trade-off')).toContainText('Split ack');
    },
  };
  for (let n = 2; n <= STEPS; n++) {
    // → and Enter both move on; ← goes back once on the way (step 4 → 3 → 4).
    await page.keyboard.press(n % 2 ? 'Enter' : 'ArrowRight');
    await stepReady(page, n);
    if (n === 4) {
      await page.keyboard.press('ArrowLeft');
      await stepReady(page, 3);
      await page.keyboard.press('ArrowRight');
      await stepReady(page, 4);
    }
    await checks[n]?.();
    await expect(page.getByTestId('tour-body')).not.toContainText('Loading');
    await shoot(page, info, `tour-1280-step-${n}`, false);
  }
  expect(await cutText(page)).toEqual([]);
  // Esc closes it; the highlights go, the hash forgets the step, the Tour button reopens it.
  await page.keyboard.press('Escape');
  await expect(tour(page)).toHaveCount(0);
  await expect(page.locator('[data-tour-target]')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => location.hash)).not.toContain('tour=');
  // A second visit does not open it by itself.
  await page.reload();
  await expect(page.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });
  await expect(tour(page)).toHaveCount(0);
  await page.getByTestId('tour-open').click();
  await stepReady(page, 1);
  await page.getByTestId('tour-close').click();
  await expect(tour(page)).toHaveCount(0);
  await expect(page.getByTestId('tour-open')).toBeFocused();
  await key(page, 't');
  await stepReady(page, 1);
  expect(errors).toEqual([]);
});

test('a link opens the tour at a step, beside a scenario; a shared scenario alone does not open it', async ({ page }) => {
  const errors = uiErrors(page);
  await page.goto('/#tour=6');
  await stepReady(page, 6);
  await expect(page.getByTestId('mode')).toHaveValue('naive');
  // The scenario key and the tour key share the hash.
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toMatch(new RegExp(`^#${PERMALINK_KEY}=[A-Za-z0-9_-]+&tour=6$`));
  await page.goto('about:blank');
  await page.goto('/' + hash.replace('tour=6', 'tour=2'));
  await stepReady(page, 2);
  await expect(page.getByTestId('mode')).toHaveValue('E1');
  // A first visit through a shared scenario link shows that scenario, no tour.
  const shared = hash.replace('&tour=6', '');
  const fresh = await page.context().browser()!.newContext({ storageState: { cookies: [], origins: [] } });
  const other = await fresh.newPage();
  await other.goto(shared);
  await expect(other.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });
  await expect(other.getByTestId('mode')).toHaveValue('naive');
  await expect(other.getByTestId('tour')).toHaveCount(0);
  await fresh.close();
  expect(errors).toEqual([]);
});

test('the tour on a phone: a sheet at the bottom, every step readable, nothing cut off', async ({ browser }, info) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  const errors = uiErrors(page);
  await page.goto('/');
  for (let n = 1; n <= STEPS; n++) {
    if (n > 1) await page.getByTestId('tour-next').click();
    await stepReady(page, n);
    await expect(tour(page)).toHaveClass(/tour-sheet/);
    // The first part the step talks about is above the sheet.
    const target = await page.locator('[data-tour-target]').first().boundingBox();
    const sheet = await tour(page).boundingBox();
    expect(target!.y).toBeLessThan(sheet!.y);
    expect(await cutText(page)).toEqual([]);
    await shoot(page, info, `tour-390-step-${n}`, false);
  }
  await page.getByTestId('tour-next').click(); // Finish
  await expect(tour(page)).toHaveCount(0);
  expect(errors).toEqual([]);
  await ctx.close();
});
