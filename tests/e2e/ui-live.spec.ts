/**
 * The playground's Live runtime: switch to Live, run the E3 preset (a 16 MiB volume; its
 * split and backup later, so the run outlasts many polls) in a
 * persistent context (OPFS on disk, live-fixtures.ts), watch the timeline's event count and
 * the maps change while the run is still going, and see it end verified, its tape
 * downloadable, its clock within the run's elapsed time, its figures set beside the sim's;
 * then the recorded events can be scrubbed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { encodePermalink } from '../../src/scenario/permalink.ts';
import { busyScenario, expect, openApp, test } from './live-fixtures.ts';

test.describe.configure({ timeout: 180_000 });

test('Live: the E3 preset runs in the live runtime, its timeline fills while running, and it verifies', async ({ livePage: page }, info) => {
  // The E3 preset with its split 1 s and its backup 2.5 s into the run: the page polls the
  // run (every 150 ms) before the split, between the split and the backup, and the event
  // count differs between those, however fast the array is (with both at 0 ms a quiet
  // machine finished the whole run between two polls).
  const preset = JSON.parse(readFileSync(new URL('../../scenarios/e3-staging-merge.json', import.meta.url), 'utf8')) as { script: { at: number; op: string }[] };
  const late = { ...preset, script: preset.script.map((c) => ({ ...c, at: c.op === 'split' ? 1000 : 2500 })) };
  await openApp(page, encodePermalink(late));
  await expect(page.getByTestId('mode')).toHaveValue('E3');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });
  expect(await page.evaluate(() => new URL(location.href).hash)).not.toContain('live');

  // The keyboard shortcut switches the runtime (V), as the toolbar's switch does.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('v');
  await expect(page.getByTestId('runtime')).toHaveAttribute('data-runtime', 'live');
  await expect(page.getByTestId('live-storage')).toContainText('used of');
  await expect(page.getByTestId('live-bar')).toHaveAttribute('data-phase', 'idle');

  // Record every event count the timeline shows while the run is going (in the page, so no
  // sample is missed between two Playwright round trips).
  await page.evaluate(() => {
    const w = window as unknown as { seenCounts: number[] };
    w.seenCounts = [];
    const tl = () => document.querySelector('[data-testid="live-timeline"]');
    const bar = () => document.querySelector('[data-testid="live-bar"]');
    const ww = w as unknown as { seenPending: number[] };
    ww.seenPending = [];
    new MutationObserver(() => {
      const n = Number(tl()?.getAttribute('data-events') ?? 0);
      if (bar()?.getAttribute('data-phase') === 'running' && n > 0 && w.seenCounts.at(-1) !== n) w.seenCounts.push(n);
      // The differential map while running (sampled from the array's memory).
      const p = Number(document.querySelector('[data-testid="heat-514"]')?.getAttribute('data-set') ?? -1);
      if (bar()?.getAttribute('data-phase') === 'running' && ww.seenPending.at(-1) !== p) ww.seenPending.push(p);
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-events', 'data-phase', 'data-set'] });
  });
  const clickedAt = Date.now();
  await page.getByTestId('live-run').click();
  await expect(page.getByTestId('live-bar')).toHaveAttribute('data-phase', 'running');
  // While running, the recorded timeline cannot be scrubbed.
  await expect(page.getByTestId('scrub')).toBeDisabled();
  await expect(page.getByTestId('live-bar')).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
  const elapsed = Date.now() - clickedAt;
  // The clock is the run's elapsed wall-clock time: never past what the test itself waited.
  const [now, end] = (await page.getByTestId('clock').textContent())!.match(/[\d.]+/g)!.map(Number);
  expect(end).toBeGreaterThan(0);
  expect(end).toBeLessThanOrEqual(elapsed);
  expect(now).toBeLessThanOrEqual(end);
  await expect(page.getByTestId('clock-unit')).toHaveText('wall-clock ms');
  const times = await page.evaluate(() => (window.splitstream.lastLive(true) as { events: { t: number }[] }).events.map((e) => e.t));
  expect(Math.min(...times)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...times)).toBeLessThanOrEqual(elapsed);
  // The maps moved while it ran: the differential drained from its pending blocks.
  const pend = await page.evaluate(() => (window as unknown as { seenPending: number[] }).seenPending);
  expect(pend.length, `pending seen: ${pend}`).toBeGreaterThanOrEqual(2);
  expect(Math.max(...pend)).toBeGreaterThan(0);
  await expect(page.getByTestId('heat-514')).toHaveAttribute('data-set', '0');
  await expect(page.getByTestId('chart-pending').locator('canvas')).toHaveCount(1);
  // Its figures beside the sim's, each with its clock named.
  await expect(page.getByTestId('live-vs-sim')).toContainText('wall-clock ms');
  await expect(page.getByTestId('live-vs-sim')).toContainText('simulated ms');
  // Where the writes' time went: a bar of the five stages' medians, and a row each with its
  // p50 and p99 (src/runtime/ack-stages.ts); the journal's holds a write call.
  const stages = page.getByTestId('ack-stages');
  await expect(stages.locator('tbody tr')).toHaveCount(5);
  expect(await stages.locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-stage'))))
    .toEqual(['issue', 'port', 'journal', 'cache', 'answer']);
  await expect(stages.locator('.ack-stages-bar .ack-stage')).toHaveCount(5);
  const journal = await stages.locator('tr[data-stage="journal"] td').allTextContents();
  expect(Number(journal[1])).toBeGreaterThan(0);
  expect(Number(journal[2])).toBeGreaterThanOrEqual(Number(journal[1]));

  const counts = await page.evaluate(() => (window as unknown as { seenCounts: number[] }).seenCounts);
  // Events appeared before the end and their number grew across samples.
  expect(counts.length, `counts seen while running: ${counts}`).toBeGreaterThanOrEqual(2);
  expect(counts[counts.length - 1]).toBeGreaterThan(counts[0]);
  const finalCount = Number(await page.getByTestId('live-timeline').getAttribute('data-events'));
  expect(finalCount).toBeGreaterThanOrEqual(counts[counts.length - 1]);
  // The page's final log is the bridge's (the servers' events included).
  const logged = await page.evaluate(() => (window.splitstream.lastLive(true) as { events: unknown[] }).events.length);
  expect(finalCount).toBe(logged);

  await expect(page.getByTestId('verdict')).toHaveAttribute('data-state', 'verified');
  await expect(page.getByTestId('verdict-badge')).toContainText('(E3)');
  // The tape 503 wrote to OPFS downloads as a strict AWSTAPE image holding exactly the
  // split-instant image the oracle checked (the same SHA-256 of its data).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-tape').click()]);
  const image = new Uint8Array(readFileSync((await download.path())!));
  const file = readAwsTape(image).files[0];
  const raw = await page.evaluate(() => window.splitstream.lastLive()) as unknown as { handleMode: string };
  expect(raw.handleMode).toBe('readwrite-unsafe');
  // The verdict lists the split-instant image's SHA-256 (its first 16 hex digits).
  const pit = (await page.getByTestId('verdict').locator('dt', { hasText: 'split-instant image SHA-256' }).locator('xpath=following-sibling::dd[1]').textContent())!;
  const h = createHash('sha256');
  for (const b of file) h.update(b);
  expect(pit).toMatch(/^[0-9a-f]{16}…$/);
  expect(h.digest('hex').slice(0, 16)).toBe(pit.slice(0, 16));
  await expect(page.getByTestId('tape-files').locator('tbody tr td').nth(1)).toHaveText(String(file.length));
  await expect(page.getByTestId('live-error')).toHaveCount(0);
  // At the end the split is complete on both sides.
  await expect(page.getByTestId('state-516')).toHaveText('split');
  await expect(page.getByTestId('state-517')).toHaveText('split');

  // After the run the recorded events can be scrubbed: back to the start, the parts are the initial pair.
  const scrub = page.getByTestId('scrub');
  await expect(scrub).toBeEnabled();
  await page.getByTestId('live-timeline').getByLabel('Step back').click();
  await scrub.fill('0');
  await expect(page.getByTestId('state-517')).toHaveText('duplex');
  await expect(page.getByTestId('live-storage')).toContainText('playground files');

  const path = info.outputPath('ui-live-e3.png');
  await page.screenshot({ path, fullPage: true });
  await info.attach('ui-live-e3', { path, contentType: 'image/png' });
});

test('Live: a run refused for quota shows the refusal plainly and leaves the page usable', async ({ persistent, livePage: page }) => {
  await expect(page.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });
  const cdp = await persistent.newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 4 * 1024 * 1024 });
  await page.getByTestId('runtime-live').click();
  await page.getByTestId('live-run').click();
  await expect(page.getByTestId('live-bar')).toHaveAttribute('data-phase', 'failed', { timeout: 60_000 });
  await expect(page.getByTestId('live-error')).toContainText('Refused before any write');
  await expect(page.getByTestId('live-run')).toBeEnabled();
  // Back to the sim: its timeline is there again.
  await page.getByTestId('runtime-sim').click();
  await expect(page.getByTestId('mini-verdict')).toBeVisible();
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
});

test('Live: Run waits while the page’s sim computes the scenario, so the two never share the cores', async ({ livePage: page }) => {
  await expect(page.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });
  await page.getByTestId('runtime-live').click();
  await expect(page.getByTestId('live-run')).toBeEnabled();
  // Every state the Run button and the live bar go through, recorded in the page (no
  // sample missed between two Playwright round trips).
  await page.evaluate(() => {
    const w = window as unknown as { seen: { busy: string | null; disabled: boolean; phase: string | null; status: string }[] };
    w.seen = [];
    const note = () => {
      const b = document.querySelector('[data-testid="live-run"]') as HTMLButtonElement | null;
      w.seen.push({
        busy: b?.getAttribute('data-sim-busy') ?? null, disabled: b?.disabled ?? false,
        phase: document.querySelector('[data-testid="live-bar"]')?.getAttribute('data-phase') ?? null,
        status: document.querySelector('[data-testid="live-status"]')?.textContent ?? '',
      });
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-sim-busy', 'disabled', 'data-phase'] });
  });
  // Another preset: the page's sim computes it anew, and Run waits for it. The scenario
  // changes in this task and the sim's answer comes in a later one, so the wait is always seen.
  const preset = page.getByTestId('preset');
  const e1 = await preset.locator('option').evaluateAll((os) =>
    (os as HTMLOptionElement[]).find((o) => /E1|priority/i.test(o.textContent ?? ''))?.value ?? null);
  expect(e1).not.toBeNull();
  await preset.selectOption(e1!);
  await page.getByTestId('live-run').click(); // waits until it is enabled
  await expect(page.getByTestId('live-bar')).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
  const seen = await page.evaluate(() => (window as unknown as { seen: { busy: string | null; disabled: boolean; phase: string | null; status: string }[] }).seen);
  const waiting = seen.filter((s) => s.busy === 'true');
  expect(waiting.length, JSON.stringify(seen.slice(0, 5))).toBeGreaterThan(0);
  for (const s of waiting) {
    expect(s.disabled).toBe(true);
    expect(s.status).toContain('still computing this scenario');
  }
  // The run started only once the sim was done.
  const firstRunning = seen.findIndex((s) => s.phase === 'running');
  expect(firstRunning).toBeGreaterThan(0);
  expect(seen.slice(firstRunning).every((s) => s.busy === 'false')).toBe(true);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-state', 'verified');
});

test('window.splitstream.run live waits while the page’s sim computes, as the Run button does', async ({ livePage: page }) => {
  await expect(page.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });
  const e1 = await page.getByTestId('preset').locator('option').evaluateAll((os) =>
    (os as HTMLOptionElement[]).find((o) => /E1|priority/i.test(o.textContent ?? ''))?.value ?? null);
  expect(e1).not.toBeNull();
  // In one task: another preset chosen (the page's sim computes it anew) and a live run asked
  // for. Recorded in the page: the playground's readiness and every worker spawned, in order.
  const { marks, verified } = await page.evaluate(async ([value, s]) => {
    const marks: string[] = [];
    const root = document.querySelector('[data-testid="playground"]')!;
    new MutationObserver(() => marks.push(`ready:${root.getAttribute('data-ready')}`))
      .observe(root, { attributes: true, attributeFilter: ['data-ready'] });
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(url: string | URL, o?: WorkerOptions) { marks.push('worker'); super(url, o); }
    };
    const select = document.querySelector('[data-testid="preset"]') as HTMLSelectElement;
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    try {
      const r = await window.splitstream.run(s, { runtime: 'live' });
      return { marks, verified: r.verified };
    } finally {
      window.Worker = Native;
    }
  }, [e1!, busyScenario()] as const);
  expect(verified).toBe(true);
  // The sim was computing when the run was asked for, and the run's workers came after it was done.
  const busyAt = marks.indexOf('ready:no'), readyAt = marks.indexOf('ready:yes'), firstWorker = marks.indexOf('worker');
  expect(busyAt, marks.join(' ')).toBe(0);
  expect(readyAt, marks.join(' ')).toBeGreaterThan(busyAt);
  expect(firstWorker, marks.join(' ')).toBeGreaterThan(readyAt);
});
