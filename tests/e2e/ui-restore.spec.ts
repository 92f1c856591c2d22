// Incremental backups and restore in the playground (docs/scenario.md "Incremental backups
// and restore"): the preset's tape shows its files and catalog with every restore point
// verified from the tape and every restore read back; a restore of a point, from the tape
// panel, joins the end of the script and shows its EXTENDED COPY 01h bytes.
import { expect, test, type Page } from '@playwright/test';
import { ready, uiErrors } from './page-helpers.ts';

test.describe.configure({ timeout: 180_000 });

test('the tape panel lists the catalog\'s points and restores; a restore added from it shows its 01h bytes', async ({ page }) => {
  const errors = uiErrors(page);
  await page.goto('/');
  await ready(page);
  const preset = page.getByTestId('preset');
  await preset.selectOption('incremental-restore.json');
  await ready(page);
  // The verdict is told once the playhead has played the run (its last report).
  await page.getByTestId('to-end').click();
  await expect(page.getByTestId('mini-verdict')).toContainText('point-in-time verified');
  await page.getByTestId('tab-verdict').click();
  const panel = page.getByTestId('tape-catalog');
  await expect(panel).toHaveAttribute('data-points', '3');
  const points = page.getByTestId('restore-points');
  await expect(points.locator('tr[data-point]')).toHaveCount(3);
  await expect(points.locator('tr[data-verified="true"]')).toHaveCount(3);
  await expect(points.locator('tr[data-point="1"]')).toContainText('incremental of 0');
  await expect(page.getByTestId('tape-roles')).toContainText("the tape's catalog");
  await expect(page.getByTestId('restores').locator('tr[data-verified="true"]')).toHaveCount(4);
  // Restore point 1 to the S-VOL from the panel: a command at the playhead, shown on the wire.
  await page.getByTestId('restore-to').selectOption('svol');
  await page.getByTestId('restore-1').click();
  await ready(page);
  await expect(page.getByTestId('tab-commands')).toHaveAttribute('aria-selected', 'true');
  // The preset's twelve commands and the restore.
  await expect(page.getByTestId('script').locator('li')).toHaveCount(13);
  await expect(page.getByTestId('script')).toContainText('restore point 1 to S-VOL');
  await expect(page.getByTestId('hex-cdb').locator('.hx-dump')).toHaveAttribute('data-hex', /^83/);
  const params = page.getByTestId('hex-params');
  await expect(params).toContainText('01h stream→block');
  await expect(params).toContainText('01h tape');
  await expect(page.getByTestId('exchange')).toContainText('positions the tape at file 1');
  await expect(page.getByTestId('exchange')).toContainText('more list(s) follow');
  expect(errors).toEqual([]);
});

test('a backup level and a restore from the command panel join the script', async ({ page }) => {
  const errors = uiErrors(page);
  await page.goto('/');
  await ready(page);
  await page.getByTestId('tab-commands').click();
  await page.getByTestId('backup-level').selectOption('full');
  await page.getByTestId('cmd-backup').click();
  await ready(page);
  await expect(page.getByTestId('script')).toContainText('backup 0+end full');
  await page.getByTestId('cmd-restore').click();
  await ready(page);
  await expect(page.getByTestId('script')).toContainText('restore point 0 to backup disk');
  await expect(page.getByTestId('response-status')).toContainText('GOOD');
  await expect(page.getByTestId('hex-params')).toContainText('01h stream→block');
  await page.getByTestId('tab-verdict').click();
  await expect(page.getByTestId('restores').locator('tr[data-verified="true"]')).toHaveCount(1);
  expect(errors).toEqual([]);
});
