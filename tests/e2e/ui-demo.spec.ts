// The playground's demonstration of the problem and its starting image:
// the naive preset's verdict names the first bad block; an uploaded volume image runs to a
// verified tape whose first block is the image's; a bad image is refused with the numbers
// and changes nothing; the backup form only offers tape units the target accepts.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { ready, uiErrors } from './page-helpers.ts';
import { readFileSync } from 'node:fs';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { createRefCore } from '../../src/core/reference.ts';
import { MAXIMUM_PAGES } from '../../src/core/memory.ts';
import { createSim } from '../../src/runtime/sim.ts';
import { validateScenario } from '../../src/scenario/validate.ts';

/** Bytes that no seed of the sim would make: a pattern of the test's own. */
function testImage(blocks: number, blockBytes: number): Uint8Array {
  const img = new Uint8Array(blocks * blockBytes);
  let x = 0x9e3779b9;
  for (let i = 0; i < img.length; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; img[i] = x & 0xff; }
  return img;
}

test.describe.configure({ timeout: 180_000 });

test('the naive preset fails the point-in-time check and names the first bad block', async ({ page }, info) => {
  const errors = uiErrors(page);
  await page.goto('/');
  await ready(page);
  const json = JSON.parse(readFileSync(new URL('../../scenarios/naive-quick-split-inconsistent.json', import.meta.url), 'utf8'));
  const preset = page.getByTestId('preset');
  await preset.selectOption('naive-quick-split-inconsistent.json');
  await expect(page.getByTestId('mode')).toHaveValue('naive');
  await ready(page);
  await page.getByTestId('tab-verdict').click();
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('verdict-badge')).toContainText('Not point-in-time');
  // Before the playhead reaches the backup's end the verdict is marked as computed ahead…
  await expect(page.getByTestId('verdict-ahead')).toBeVisible();
  await expect(page.getByTestId('mini-verdict')).not.toContainText('check failed');
  // …and at the end it is told, with what the backup software was told.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('End');
  await expect(page.getByTestId('mini-verdict')).toContainText('point-in-time check failed');
  await expect(page.getByTestId('mini-verdict')).toContainText('The backup software was told the backup succeeded');
  await expect(page.getByTestId('verdict-ahead')).toHaveCount(0);
  const shown = Number(await page.getByTestId('first-bad').textContent());
  // The browser's worker and a Node run of the same scenario (reference core) agree.
  const s = validateScenario(json);
  const core = createRefCore(new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES }));
  const r = createSim(s, { core }).runToEnd();
  expect(r.verified).toBe(false);
  expect(shown).toBe(r.firstMismatch!.block);
  expect(shown).toBeGreaterThanOrEqual(0);
  expect(shown).toBeLessThan(s.geometry.blocks);
  const path = info.outputPath('view-naive-verdict.png');
  await page.screenshot({ path, fullPage: true });
  await info.attach('view-naive-verdict', { path, contentType: 'image/png' });
  expect(errors).toEqual([]);
});

test('an uploaded volume image runs to a verified tape that starts with the image', async ({ page }, info) => {
  const errors = uiErrors(page);
  await page.goto('/');
  await ready(page);
  const hashBefore = new URL(page.url()).hash;
  await page.getByTestId('tab-verdict').click();
  // Refused first: 1000 bytes is no whole number of 4096-byte blocks. Nothing changes.
  await page.getByTestId('image-input').setInputFiles({ name: 'odd.img', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1000) });
  await expect(page.getByTestId('image-error')).toContainText('1,000 bytes is not a multiple of the block size 4,096');
  await expect(page.getByTestId('image-error')).toContainText('Nothing changed');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-image', 'seeded');
  expect(new URL(page.url()).hash).toBe(hashBefore);
  // Dropped too small (8 blocks): refused with the smallest volume named.
  await page.getByTestId('image-drop').evaluate((el) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(8 * 4096)], 'tiny.img'));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('image-error')).toContainText('8 blocks of 4,096 bytes is under the smallest volume, 16 blocks');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-image', 'seeded');

  const image = testImage(64, 4096);
  await page.getByTestId('image-input').setInputFiles({ name: 'disk.img', mimeType: 'application/octet-stream', buffer: Buffer.from(image) });
  await expect(page.getByTestId('playground')).toHaveAttribute('data-image', 'uploaded');
  await expect(page.getByTestId('image-status')).toContainText('disk.img (64 blocks × 4,096 bytes)');
  await expect(page.getByTestId('image-status')).toContainText('shared link');
  await expect(page.getByTestId('image-banner')).toContainText('seeded content');
  await expect(page.getByTestId('image-error')).toHaveCount(0);
  // The link holds the scenario only, and sharing says so.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('share').click();
  await expect(page.getByTestId('share-status')).toHaveText('Link copied: it runs from the seeded content, not the uploaded image');
  await ready(page);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-state', 'verified');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-tape').click()]);
  const tape = readAwsTape(new Uint8Array(readFileSync((await download.path())!)));
  const first = tape.files[0]![0]!;
  expect(first.byteLength).toBeGreaterThanOrEqual(4096);
  expect(Buffer.from(first.subarray(0, 4096)).equals(Buffer.from(image.subarray(0, 4096)))).toBe(true);
  const path = info.outputPath('view-uploaded-image.png');
  await page.screenshot({ path, fullPage: true });
  await info.attach('view-uploaded-image', { path, contentType: 'image/png' });
  // Back to the seeded content: the tape's first block is no longer the image's.
  await page.getByTestId('image-clear').click();
  await expect(page.getByTestId('playground')).toHaveAttribute('data-image', 'seeded');
  await ready(page);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-state', 'verified');
  const [again] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-tape').click()]);
  const seeded = readAwsTape(new Uint8Array(readFileSync((await again.path())!))).files[0]![0]!;
  expect(Buffer.from(seeded.subarray(0, 4096)).equals(Buffer.from(image.subarray(0, 4096)))).toBe(false);
  expect(errors).toEqual([]);
});

/** The playground's command tab, and its backup form's transfer-unit field. */
async function backupForm(page: Page): Promise<{ errors: string[]; unit: Locator }> {
  const errors = uiErrors(page);
  await page.goto('/');
  await ready(page);
  await page.getByTestId('tab-commands').click();
  return { errors, unit: page.getByTestId('transfer-blocks') };
}

test('the backup form offers only tape units the target accepts, with the record size', async ({ page }) => {
  const { errors, unit } = await backupForm(page);
  // 4096-byte blocks: 65535-byte records hold 15; the default is 32 KiB = 8 blocks.
  await expect(unit).toHaveAttribute('max', '15');
  await expect(unit).toHaveAttribute('min', '1');
  await expect(unit).toHaveValue('8');
  await expect(page.getByTestId('record-bytes')).toContainText('32,768 B per record');
  await unit.fill('16');
  await unit.press('Enter');
  await expect(unit).toHaveValue('15');
  await expect(page.getByTestId('record-bytes')).toContainText('61,440 B per record');
  // A backup added with it runs, and verifies.
  await page.getByTestId('cmd-backup').click();
  await ready(page);
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await page.getByTestId('to-end').click();
  await expect(page.getByTestId('mini-verdict')).toContainText('verified');
  expect(errors).toEqual([]);
});

test('what is typed in a number field survives the page re-rendering until it is committed', async ({ page }) => {
  const { errors, unit } = await backupForm(page);
  await expect(unit).toHaveValue('8');
  // Playing moves the playhead, which re-renders the command panel many times a second.
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveAttribute('aria-label', 'Pause');
  await unit.fill('12');
  const typedAt = Number(await page.getByTestId('playground').getAttribute('data-time'));
  await expect.poll(async () => Number(await page.getByTestId('playground').getAttribute('data-time'))).toBeGreaterThan(typedAt);
  await expect(unit).toHaveValue('12');
  await unit.press('Enter');
  await expect(unit).toHaveValue('12');
  await expect(page.getByTestId('record-bytes')).toContainText('49,152 B per record');
  expect(errors).toEqual([]);
});
