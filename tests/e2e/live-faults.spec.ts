/**
 * The scenario's device faults in the live runtime (docs/live.md#faults): each fault preset
 * (scenarios/fault-*.json) runs live, its fault injected over the OPFS volumes and tape of
 * the array's worker, with the outcome the sim gives it (docs/scenario.md#faults): the
 * failed backup COPY ABORTED at its segment with the reason, or the pair suspended with its
 * reason, and the operator's recovery in the script ending in a backup that verifies, the
 * invariants holding (nothing acknowledged lost, the pair state sound). A worker fault is
 * still refused, and so is a worker per processor for a scenario with faults.
 */
import { readFileSync } from 'node:fs';
import type { RunResult } from '../../src/runtime/sim-result.ts';
import { expect, test } from './live-fixtures.ts';

test.describe.configure({ timeout: 180_000 });

const preset = (file: string): Record<string, unknown> => JSON.parse(readFileSync(`scenarios/${file}`, 'utf8'));

/** What every faulted run must show: a verified backup, the invariants, the fault's hits. */
function recovered(r: RunResult, kind: string): void {
  expect(r.invariants, `${kind}: invariants checked`).toBeDefined();
  expect(r.invariants!.violations, `${kind}: invariants`).toEqual([]);
  expect(r.invariants!.ok).toBe(true);
  expect(r.verified, `${kind}: ${r.reason ?? ''}`).toBe(true);
  // Every backup that completed verified against the oracle; the last one did.
  for (const b of r.backups) if (b.status === 'done') expect(b.verified, kind).toBe(true);
  expect(r.backups.some((b) => b.status === 'done'), `${kind}: a backup completed`).toBe(true);
  expect(r.faults).toHaveLength(1);
  expect(r.faults![0].kind).toBe(kind);
  expect(r.faults![0].hits, `${kind}: the fault met its I/O`).toBeGreaterThan(0);
  expect(r.faults![0].firstHitAt).toBeGreaterThanOrEqual(r.faults![0].at);
}

type Page = import('@playwright/test').Page;
type LiveEvent = { t: number; actor: string; ev: string; detail?: { reason?: string; blocks?: number } };

/** The last live run's merged event log (the timeline draws it). */
function liveEvents(page: Page): Promise<LiveEvent[]> {
  return page.evaluate(() => ((window.splitstream.lastLive(true) as { events?: LiveEvent[] } | null)?.events ?? []));
}

/** The fault's events in the live log. */
async function faultEvents(page: Page): Promise<string[]> {
  return (await liveEvents(page)).map((e) => e.ev).filter((ev) => ev.startsWith('fault.'));
}

/** A backup a device fault ended: COPY ABORTED at its segment, as RECEIVE COPY RESULTS says. */
function expectFailed(b: RunResult['backups'][number], want: Pick<RunResult['backups'][number], 'failure' | 'reason' | 'failedSegment'> & { blocksDone?: number }): void {
  expect(b.status).toBe('failed');
  expect(b.failure).toBe(want.failure);
  expect(b.reason).toBe(want.reason);
  expect(b.failedSegment).toBe(want.failedSegment);
  if (want.blocksDone !== undefined) expect(b.blocksDone).toBe(want.blocksDone);
}

test('a tape write error aborts the backup at its segment, leaves its file partial, and the next backup verifies', async ({ livePage: page }) => {
  const r = await page.evaluate((s) => window.splitstream.run(s, { runtime: 'live' }), preset('fault-tape-write-error.json'));
  recovered(r, 'tape-write');
  const [failed, next] = r.backups;
  // COPY ABORTED at the unit's segment (RECEIVE COPY RESULTS): the whole volume is segment 0,
  // and the 100 tape records before the failing one (8 blocks each) were written.
  expectFailed(failed, { failure: 'device', reason: 'device error: tape write at block 100', failedSegment: 0, blocksDone: 800 });
  expect(r.faults![0].io).toBe('tape-303 write at block 100');
  expect(next.status).toBe('done');
  // The failed backup left its 100 records as a file without its tapemark, which the next
  // backup wrote over: the tape holds that backup's one closed file.
  const overwritten = (await liveEvents(page)).filter((e) => e.ev === 'tape.partial.overwritten').map((e) => e.detail?.blocks);
  expect(overwritten).toEqual([100]);
  expect(r.tapeBlocks).toBe(2048 / 8);
  expect(r.pair).toEqual({ p516: 'split', s517: 'split' });
  expect(await faultEvents(page)).toEqual(['fault.armed', 'fault.hit']);
});

test('a media error on the S-VOL aborts the backup with the read error and suspends the pair; the resync recovers', async ({ livePage: page }) => {
  const r = await page.evaluate((s) => window.splitstream.run(s, { runtime: 'live' }), preset('fault-media-error.json'));
  recovered(r, 'media-read');
  expectFailed(r.backups[0], { failure: 'device', reason: 'device error: S-VOL read at LBA 1500', failedSegment: 0 });
  // The resync copied every block, so the bad one was written over (reassigned).
  expect(r.faults![0].io).toBe('svol-602 read at LBA 1500');
  expect(r.faults![0].healed).toBe(true);
  const ev = await liveEvents(page);
  const suspended = ev.find((e) => e.ev === 'pair.suspended');
  expect(suspended, 'the pair was suspended (PSUE)').toBeDefined();
  expect(suspended!.detail?.reason).toContain('LBA 1500');
  // After the resync, the new split's backup completed (and verified: recovered()).
  expect(r.backups[1].status).toBe('done');
  expect(r.pair).toEqual({ p516: 'split', s517: 'split' });
});

test('an S-VOL write error suspends the pair with its reason while client writes go on; the resync recovers', async ({ livePage: page }) => {
  // The acknowledgements' times (the array's clock), streamed from the servers as they come.
  const { r, acks } = await page.evaluate(async (s) => {
    const times: number[] = [];
    let ended = false;
    const run = window.splitstream.run(s, { runtime: 'live' }).finally(() => { ended = true; });
    while (!ended && !(await window.splitstream.streamLiveAcks((a) => { for (const w of a.writes) times.push(w.ack); }))) {
      await new Promise((res) => setTimeout(res, 1));
    }
    return { r: await run, acks: times };
  }, preset('fault-svol-write-error.json'));
  recovered(r, 'svol-write');
  const lba = /svol-602 write at LBA (\d+)/.exec(r.faults![0].io ?? '');
  expect(lba, r.faults![0].io).not.toBeNull();
  const ev = await liveEvents(page);
  const suspended = ev.find((e) => e.ev === 'pair.suspended');
  expect(suspended, 'the pair was suspended (PSUE)').toBeDefined();
  expect(suspended!.detail?.reason).toBe(`S-VOL write error at LBA ${lba![1]}`);
  // The client's writes went on, acknowledged while the pair was suspended (until the
  // resync's answer); both times are the array's worker's clock.
  const resynced = ev.find((e) => e.ev === 'resync.ack' && e.t > suspended!.t);
  expect(resynced, 'the script resynced the pair').toBeDefined();
  expect(acks.filter((t) => t > suspended!.t && t < resynced!.t).length, 'writes acknowledged while suspended').toBeGreaterThan(0);
  // The backup on the pair before the resync did not complete: failed for the suspension if
  // it was running (as in the sim), refused with it if the suspension came first.
  const [first] = r.backups;
  if (first.status === 'failed') {
    expect(first.failure).toBe('pair-state');
    expect(first.reason).toBe(`the pair was suspended (S-VOL write error at LBA ${lba![1]})`);
  } else {
    expect(first.status).toBe('refused');
    expect(first.reason).toBe(`pair suspended (S-VOL write error at LBA ${lba![1]}): the S-VOL holds no consistent image; resync it first`);
  }
  expect(r.backups[1].status).toBe('done');
  expect(r.pair).toEqual({ p516: 'split', s517: 'split' });
});

test('the quota running out fails the next backup at its first block with a clear message; the tape does not grow, the volumes stay intact', async ({ livePage: page }) => {
  const r = await page.evaluate((s) => window.splitstream.run(s, { runtime: 'live' }), preset('fault-quota.json'));
  recovered(r, 'quota');
  // The first backup completed before the quota ran out (at 2500 ms; the second is sent at
  // 3000 ms) and verified; the second could not grow the tape past the first's file.
  const [first, second] = r.backups;
  expect(first.status).toBe('done');
  expectFailed(second, {
    failure: 'quota', failedSegment: 0, blocksDone: 0,
    reason: `storage quota exhausted at tape block ${2048 / 8}: it cannot grow; the volumes are intact (free some space and back up again)`,
  });
  expect(r.faults![0].io).toBe(`tape-303 write at block ${2048 / 8}`);
  // The tape holds the first backup's file and nothing more; the last word is the quota's.
  expect(r.tapeBlocks).toBe(2048 / 8);
  expect(r.pair).toEqual({ p516: 'split', s517: 'split' });
});

test('in the page, each device-fault preset runs in Live and its verdict tells the outcome as in the sim', async ({ livePage: page }) => {
  await expect(page.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });
  const preset = page.getByTestId('preset');
  const options = await preset.locator('option').evaluateAll((os) => (os as HTMLOptionElement[]).map((o) => ({ value: o.value, label: o.textContent ?? '' })));
  // Each preset's menu title (web/ui/presets.ts), and a line its fault outcome must show
  // (src/runtime/fault-outcome.ts).
  const want: [string, RegExp][] = [
    ['Fault · tape write error', /backup 1: COPY ABORTED at segment 0 after 800 blocks — device error: tape write at block 100/],
    ['Fault · media error', /backup 1: COPY ABORTED at segment 0 after \d+ blocks — device error: S-VOL read at LBA 1500/],
    ['Fault · S-VOL write error', /S-VOL write error \(armed at 0\.6 ms\): svol-602 write at LBA \d+/],
    ['Fault · quota', /backup 2: COPY ABORTED at segment 0 after 0 blocks — storage quota exhausted at tape block 256/],
  ];
  await page.getByTestId('runtime-live').click();
  for (const [title, line] of want) {
    const o = options.find((x) => x.label.startsWith(title));
    expect(o, title).toBeDefined();
    await preset.selectOption(o!.value);
    await expect(page.getByTestId('live-run')).toBeEnabled();
    await page.getByTestId('live-run').click();
    await expect(page.getByTestId('live-bar')).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
    await expect(page.getByTestId('live-error')).toHaveCount(0);
    await expect(page.getByTestId('verdict'), title).toHaveAttribute('data-state', 'verified');
    const outcome = page.getByTestId('fault-outcome');
    await expect(outcome, title).toContainText(line);
    await expect(outcome, title).toContainText('completed, verified against the split-instant image');
    await expect(outcome, title).toContainText('pair at the end: split / split');
  }
});

test('with exclusive handles (the array worker opens every file alone) the faults are injected and the invariants read the same', async ({ livePage: page }) => {
  const r = await page.evaluate((s) => window.splitstream.run(s, { runtime: 'live', handles: 'exclusive' }), preset('fault-tape-write-error.json'));
  recovered(r, 'tape-write');
  expect(r.backups.map((b) => b.status)).toEqual(['failed', 'done']);
  expect(r.backups[0].reason).toBe('device error: tape write at block 100');
  const fig = await page.evaluate(() => window.splitstream.lastLive());
  expect(fig!.handleMode).toBe('readwrite');
});

test('a device fault beside a worker fault, and a worker per processor for device faults, are refused with the reason', async ({ livePage: page }) => {
  // Device faults need one array worker, a worker fault a worker per processor (docs/live.md#faults).
  const mixed = preset('fault-processor-restart.json');
  mixed.faults = [...(mixed.faults as object[]), { at: 0, kind: 'svol-write', lba: 3 }];
  await expect(page.evaluate((s) => window.splitstream.run(s, { runtime: 'live' }), mixed))
    .rejects.toThrow('this scenario has both a device fault (svol-write) and a worker fault');
  await expect(page.evaluate((s) => window.splitstream.run(s, { runtime: 'live', arrayWorkers: 4 }), preset('fault-quota.json')))
    .rejects.toThrow('the live runtime injects device faults where one worker hosts the four processors');
});
