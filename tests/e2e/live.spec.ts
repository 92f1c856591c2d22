/**
 * The live runtime in a real Chromium (docs/live.md): every processor in its own
 * worker, volumes and tape in OPFS on disk, the same scenario format and oracle as the sim.
 */
import { MODES } from '../../src/scenario/schema.ts';
import { ACK_STAGES } from '../../src/runtime/ack-stages.ts';
import { busyScenario, expect, openApp, test } from './live-fixtures.ts';
import { summariseTape } from '../../src/devices/tape-cli-node.ts';
import { FILES, PLAYGROUND_DIR } from '../../src/runtime/live/opfs-store.ts';
import { decodeSense } from '../../src/scsi/sense.ts';
import { decodeFailedSegment } from '../../src/scsi/receive-copy-results.ts';

test.describe.configure({ timeout: 120_000 });

/** How far apart two workers' clocks may be (live event times come from several workers). */
const CLOCK_SKEW_MS = 2;

test('every mode runs live with a busy client and verifies against the oracle', async ({ livePage: page }) => {
  const scenario = busyScenario();
  for (const mode of MODES) {
    const r = await page.evaluate(([s, m]) => window.splitstream.run(s, { runtime: 'live', mode: m }), [scenario, mode] as const);
    expect(r.mode).toBe(mode);
    expect(r.verified, `${mode}: ${r.reason ?? ''}`).toBe(true);
    // The tape holds exactly the split-instant image, and the client kept writing meanwhile.
    expect(r.tapeDataSha256).toBe(r.pitSha256);
    expect(r.tapeBytes).toBeGreaterThan(1024 * 4096);
    expect(r.clientWrites).toBeGreaterThan(50);
    // Where the writes' time went, stage by stage (src/runtime/ack-stages.ts): all five are
    // measured; the journal's holds a write call; the stages timed on one worker's clock
    // cannot be negative, those across two (the port's, the answer's) by their skew at most.
    const st = r.ackStagesMs!;
    expect(Object.keys(st).sort()).toEqual([...ACK_STAGES].sort());
    for (const k of ACK_STAGES) expect(st[k].p99, k).toBeGreaterThanOrEqual(st[k].p50);
    expect(st.journal.p50).toBeGreaterThan(0);
    for (const k of ['issue', 'cache'] as const) expect(st[k].p50, k).toBeGreaterThanOrEqual(0);
    for (const k of ['port', 'answer'] as const) expect(st[k].p50, k).toBeGreaterThanOrEqual(-CLOCK_SKEW_MS);
    expect(r.splitAckMs).toBeGreaterThanOrEqual(0);
    expect(r.backupDoneMs).toBeGreaterThan(0);
    if (mode === 'E3') expect(r.svolWritesForBackup).toBe(0);
    if (mode !== 'E4') {
      // The split ack as the client sees it comes after 501 made the split durable (its
      // metadata record written): it is the time the answer reached the servers' worker.
      // The two times come from two workers' clocks (each its own timeOrigin), which were
      // seen up to 0.5 ms apart: CLOCK_SKEW_MS allows for that.
      const ev = await page.evaluate(() =>
        ((window.splitstream.lastLive(true) as { events?: { t: number; actor: string; ev: string }[] } | null)?.events ?? []));
      const cmd = ev.find((e) => e.actor === '101' && e.ev === 'split.cmd')!;
      const split = ev.find((e) => e.actor === '501' && e.ev === 'split' && e.t >= cmd.t)!;
      const durable = ev.find((e) => e.actor === '501' && e.ev === 'record.durable' && e.t >= split.t);
      expect(durable, `${mode}: 501 wrote the split's record`).toBeDefined();
      expect(r.splitAckMs).toBeGreaterThanOrEqual(durable!.t - cmd.t - CLOCK_SKEW_MS);
    }
  }
  // Every processor stepped; on this machine's few cores all four share one worker, with
  // the flusher's and the disk writer's beside it.
  const fig = await page.evaluate(() => window.splitstream.lastLive());
  expect(fig).not.toBeNull();
  for (const role of ['501', '502', '503', '508']) expect(fig!.steps[role]).toBeGreaterThan(0);
  expect(fig!.durability).toBe('written');
  // The last mode's backup ended with a tapemark, whose tape ticket the flusher's worker
  // served by flushing the tape alone (a run this short may end before a round of every file).
  expect(fig!.tapeFlushes).toBeGreaterThan(0);
});

test('a worker per processor (the placement for many cores) still runs every mode and verifies', async ({ livePage: page }) => {
  const scenario = busyScenario();
  for (const mode of MODES) {
    const r = await page.evaluate(([s, m]) => window.splitstream.run(s, { runtime: 'live', mode: m, arrayWorkers: 4 }), [scenario, mode] as const);
    expect(r.verified, `${mode}: ${r.reason ?? ''}`).toBe(true);
    expect(r.tapeDataSha256).toBe(r.pitSha256);
    expect(r.clientWrites).toBeGreaterThan(50);
    // 501's own worker stamps its writes' answers too.
    expect(r.ackStagesMs?.journal.p50).toBeGreaterThan(0);
  }
  const fig = await page.evaluate(() => window.splitstream.lastLive());
  expect(fig!.arrayWorkers).toBe(4);
  for (const role of ['501', '502', '503', '508']) expect(fig!.steps[role]).toBeGreaterThan(0);
  await expect(page.evaluate((s) => window.splitstream.run(s, { runtime: 'live', arrayWorkers: 4, handles: 'exclusive' }), scenario))
    .rejects.toThrow('arrayWorkers: 4 needs shared handles');
  await expect(page.evaluate((s) => window.splitstream.run(s, { runtime: 'live', arrayWorkers: 2 as never }), scenario))
    .rejects.toThrow('arrayWorkers: must be 1 or 4');
});

test("'flush' durability, from the scenario or the run's options, flushes before every ack and verifies", async ({ livePage: page }) => {
  const scenario = busyScenario();
  for (const [how, s, o] of [['scenario', { ...scenario, durability: 'flush' }, {}], ['options', scenario, { durability: 'flush' }]] as const) {
    const r = await page.evaluate(([sc, opts]) => window.splitstream.run(sc, { runtime: 'live', mode: 'E1', ...opts }), [s, o] as const);
    expect(r.verified, `${how}: ${r.reason ?? ''}`).toBe(true);
    const fig = await page.evaluate(() => window.splitstream.lastLive(true) as { durability: string; events: { ev: string; detail?: { flushed?: boolean } }[] });
    expect(fig.durability, how).toBe('flush');
    // Every state change's record was flushed before its answer.
    const records = fig.events.filter((e) => e.ev === 'record.durable');
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((e) => e.detail?.flushed === true), how).toBe(true);
  }
  await expect(page.evaluate((s) => window.splitstream.run(s, { runtime: 'live', durability: 'sometimes' as never }), scenario))
    .rejects.toThrow('durability: must be one of written, flush');
  await expect(page.evaluate((s) => window.splitstream.run({ ...s, durability: 'later' }, { runtime: 'live' }), scenario))
    .rejects.toThrow('durability: must be one of written, flush');
});

test('with exclusive handles (browsers without readwrite-unsafe) the array\'s worker flushes its files itself, and every mode verifies', async ({ livePage: page }) => {
  const scenario = busyScenario();
  for (const mode of MODES) {
    const r = await page.evaluate(([s, m]) => window.splitstream.run(s, { runtime: 'live', mode: m, handles: 'exclusive' }), [scenario, mode] as const);
    expect(r.verified, `${mode}: ${r.reason ?? ''}`).toBe(true);
    expect(r.tapeDataSha256).toBe(r.pitSha256);
    expect(r.clientWrites).toBeGreaterThan(50);
  }
  const fig = await page.evaluate(() => window.splitstream.lastLive());
  expect(fig!.handleMode).toBe('readwrite');
  // No flusher's worker can open the files: the array's worker ran the rounds and flushed the tape.
  expect([fig!.flushRounds, fig!.tapeFlushes]).toEqual([0, 0]);
  // The default asks for shared handles, which this Chromium has: a flusher's worker then runs the rounds.
  const shared = await page.evaluate(async (s) => {
    const r = await window.splitstream.run(s, { runtime: 'live', mode: 'E3' });
    return { r, fig: window.splitstream.lastLive() };
  }, scenario);
  expect(shared.r.verified).toBe(true);
  expect(shared.fig!.handleMode).toBe('readwrite-unsafe');
  await expect(page.evaluate((s) => window.splitstream.run(s, { runtime: 'live', handles: 'both' as never }), scenario))
    .rejects.toThrow("handles: must be 'shared' or 'exclusive'");
});

test('the live result is the same object as the sim\'s (the CLI --json shape)', async ({ livePage: page }) => {
  const scenario = busyScenario({ workload: { pattern: 'uniform', rate: 500, minBlocks: 1, maxBlocks: 2, hotFraction: 0.1, hotWeight: 0.9 } });
  const [live, sim] = await page.evaluate(async (s) => [
    await window.splitstream.run(s, { runtime: 'live', mode: 'E3' }),
    await window.splitstream.run(s, { runtime: 'sim', mode: 'E3' }),
  ], scenario);
  // The same keys, but the stages of the write acks, which only the live runtime stamps
  // (docs/scenario.md: `ackStagesMs`).
  expect(Object.keys(live).filter((k) => k !== 'ackStagesMs').sort()).toEqual(Object.keys(sim).sort());
  expect(live.ackStagesMs).toBeDefined();
  expect(live.verified && sim.verified).toBe(true);
  // Same geometry, so the same range went to tape in both runtimes.
  expect(live.tapeBytes).toBe(sim.tapeBytes);
  expect(live.tapeBlocks).toBe(sim.tapeBlocks);
});

test('a bad scenario is refused with the validator\'s message, for both runtimes', async ({ livePage: page }) => {
  const bad = busyScenario({ geometry: { blocks: 1024, blockBytes: 1000, cacheSlots: 256 } });
  for (const runtime of ['live', 'sim'] as const) {
    const msg = await page.evaluate(([s, rt]) => window.splitstream.run(s, { runtime: rt }).then(() => 'resolved', (e) => String(e)), [bad, runtime] as const);
    expect(msg).toContain('blockBytes');
  }
});

test('reset() deletes the playground\'s OPFS files', async ({ livePage: page }) => {
  const scenario = busyScenario({ workload: { pattern: 'uniform', rate: 200, minBlocks: 1, maxBlocks: 2, hotFraction: 0.1, hotWeight: 0.9 } });
  await page.evaluate((s) => window.splitstream.run(s, { runtime: 'live', mode: 'E1' }), scenario);
  const before = await page.evaluate(() => window.splitstream.storage());
  expect(before.files.map((f) => f.name)).toEqual(expect.arrayContaining(['pvol-601.img', 'svol-602.img', 'tape-303.aws']));
  expect(before.files.find((f) => f.name === 'pvol-601.img')!.bytes).toBe(1024 * 4096);
  await page.evaluate(() => window.splitstream.reset());
  const after = await page.evaluate(() => window.splitstream.storage());
  expect(after.files).toEqual([]);
});

for (const handles of ['shared', 'exclusive'] as const) {
test(`after a completed run and a reload, the pairs are shown as they were, the differential trusted (${handles} handles)`, async ({ livePage: page }) => {
  const scenario = busyScenario({ workload: { pattern: 'uniform', rate: 300, minBlocks: 1, maxBlocks: 2, hotFraction: 0.1, hotWeight: 0.9 } });
  // A first run leaves records behind; the second must replace them, whoever writes them.
  for (const mode of ['E1', 'E3'] as const) {
    const r = await page.evaluate(([s, m, h]) => window.splitstream.run(s, { runtime: 'live', mode: m, handles: h }), [scenario, mode, handles] as const);
    expect(r.verified).toBe(true);
  }
  await page.reload();
  await openApp(page);
  const report = await page.evaluate(() => window.splitstream.recovery());
  expect(report.found).toBe(true);
  expect(report.interrupted).toEqual([]);
  // Written CLEAN at the quiet, flushed end: the bitmaps are exact, nothing counted dirty.
  expect(report.bitmapsTrusted).toBe(true);
  expect(report.pairs.map((p) => [p.state516, p.state517, p.pending])).toEqual([['split', 'split', 0]]);
  await expect(page.getByTestId('live-recovery')).toContainText('P-VOL state (516) split, S-VOL state (517) split');
  expect(report.run?.mode).toBe('E3');
});
}

test('a reload in the middle of a backup: acknowledged writes survive, the backup is reported and runs again', async ({ livePage: page }) => {
  // E2 holds the backup until the whole differential is copied: 460 MiB of a 512 MiB pair
  // keep it holding far longer than the reload takes to stop the page's workers.
  const scenario = busyScenario({
    mode: 'E2',
    geometry: { blocks: 131072, blockBytes: 4096, cacheSlots: 512 },
    initial: { pair: 'duplex', pending: 0.9, dirtyInCache: 0.1 },
    workload: { pattern: 'uniform', rate: 1000, minBlocks: 1, maxBlocks: 4, hotFraction: 0.1, hotWeight: 0.9 },
    script: [
      { at: 20, op: 'split' },
      { at: 20, op: 'backup', lba: 0, blocks: 1024, transferBlocks: 8, check: 'unit' },
    ],
  });
  const seen = await page.evaluate(async (s) => {
    void window.splitstream.run(s, { runtime: 'live' }).catch(() => undefined);
    for (;;) {
      const p = await window.splitstream.liveProgress();
      // 511 says accepted (1), holding (2) or running (3): the backup is under way.
      if (p && p.backupState >= 1 && p.backupState <= 3 && p.ackedWrites.length > 0) return p;
      await new Promise((r) => setTimeout(r, 2));
    }
  }, scenario);
  expect(seen.splitAcked).toBe(true);
  await page.reload();
  await openApp(page);
  const report = await page.evaluate(() => window.splitstream.recovery());
  expect(report.found).toBe(true);
  expect(report.interrupted.map((o) => o.kind)).toContain('backup');
  expect(report.notes.join(' ')).toMatch(/backup .* was interrupted by a reload; it can be run again/);
  // E2 held it: no unit reached the tape, and RECEIVE COPY RESULTS says COPY ABORTED at segment 0.
  expect(report.backups).toEqual([expect.objectContaining({ id: report.interrupted.find((o) => o.kind === 'backup')!.id, segment: 0, tapeBlocks: 0 })]);
  expect(report.pairs).toHaveLength(1);
  // The record was written while I/O ran: its bitmaps are not trusted. A pair still
  // split-pending (E2 holding its backup) comes back split-pending, its 514 rebuilt from its
  // own record (the blocks still to copy, fewer than the split left: 508 had begun), or
  // suspended only with the reason; a split that completed counts its bitmaps all dirty.
  expect(report.bitmapsTrusted).toBe(false);
  const [pair] = report.pairs;
  const state = pair.state516;
  expect(['split', 'suspended']).toContain(state);
  if (state === 'suspended') expect(report.notes.join(' ')).toMatch(/was split-pending, but its differential was not saved/);
  else if (pair.state517 === 'split-pending') {
    expect(pair.diffRebuilt).toBe(true);
    expect(pair.pending).toBeGreaterThan(0);
    expect(pair.pending).toBeLessThan(131072);
  } else expect(pair.pending).toBe(131072);
  // The page itself shows the recovered pair and the interrupted backup.
  const banner = page.getByTestId('live-recovery');
  await expect(banner).toContainText(`P-VOL state (516) ${state}`);
  await expect(banner).toContainText(pair.diffRebuilt ? 'rebuilt from its record' : 'not trusted: counted as all dirty');
  await expect(banner).toContainText('was interrupted by a reload');
  await expect(banner).toContainText('ends COPY ABORTED at segment 0, 0A/29/04 DEVICE INTERNAL RESET');
  await expect(banner.getByRole('button', { name: /Run it again/ })).toBeVisible();
  const check = await page.evaluate((acked) => window.splitstream.checkAcked(7, 4096, acked), seen.ackedWrites);
  expect(check.checkedBlocks).toBeGreaterThan(0);
  expect(check.errors).toEqual([]);
  // Run it again from what the record kept: it completes and verifies.
  const again = await page.evaluate(async (json) => window.splitstream.run(JSON.parse(json), { runtime: 'live' }), report.run!.scenario);
  expect(again.verified, again.reason).toBe(true);
});

test('a reload while a backup streams: it ends COPY ABORTED where it stopped, its tape file partial, the files before it whole', async ({ livePage: page }) => {
  // 512 MiB to stream in E3 units of one 4 KiB block: 131072 tape blocks, seconds of work,
  // cut off after its first units.
  const blocks = 131072;
  const scenario = busyScenario({
    mode: 'E3',
    geometry: { blocks, blockBytes: 4096, cacheSlots: 512 },
    initial: { pair: 'duplex', pending: 0, dirtyInCache: 0 },
    script: [
      { at: 20, op: 'split' },
      { at: 20, op: 'backup', lba: 0, blocks, transferBlocks: 1, check: 'unit' },
    ],
  });
  const seen = await page.evaluate(async (s) => {
    void window.splitstream.run(s, { runtime: 'live' }).catch(() => undefined);
    for (;;) {
      const p = await window.splitstream.liveProgress();
      // Streaming (3) with a unit on the tape, or already past it (done 4, failed 5).
      if (p && ((p.backupState === 3 && p.unitsSent > 0) || p.backupState > 3)) return { state: p.backupState, units: p.unitsSent };
      await new Promise((r) => setTimeout(r, 2));
    }
  }, scenario);
  expect(seen.state, 'the backup was still streaming when the page reloaded').toBe(3);
  await page.reload();
  await openApp(page);
  const report = await page.evaluate(() => window.splitstream.recovery());
  expect(report.interrupted.map((o) => o.kind)).toContain('backup');
  expect(report.backups).toHaveLength(1);
  const [b] = report.backups;
  expect(b.segment).toBe(0);
  expect(b.tapeBlocks).toBeGreaterThan(0);
  expect(b.tapeBlocks).toBeLessThan(blocks);
  // RECEIVE COPY RESULTS 04h: COPY ABORTED (0Ah) 29/04 at that segment, the EXTENDED COPY's status CHECK CONDITION.
  const details = decodeFailedSegment(Uint8Array.from(b.failedSegment.split(' '), (x) => parseInt(x, 16)));
  expect(details?.commandStatus).toBe(0x02);
  expect(decodeSense(details!.sense)).toMatchObject({ key: 0xa, asc: 0x29, ascq: 0x04 });
  await expect(page.getByTestId('live-recovery')).toContainText(`${b.tapeBlocks} blocks of its tape file reached the tape, which is left partial`);
  // The tape as the recovery left it: laid-out space cut, the one file without its tapemark,
  // holding exactly the units the report names, every block whole (a strict walk).
  const tape = await page.evaluate(async ([dir, name]) => {
    const d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
    return Array.from(new Uint8Array(await (await (await d.getFileHandle(name)).getFile()).arrayBuffer()));
  }, [PLAYGROUND_DIR, FILES.tape] as const);
  const summary = summariseTape(FILES.tape, Uint8Array.from(tape));
  expect(summary.tapemarks).toBe(0);
  expect(summary.files).toEqual([expect.objectContaining({ file: 1, partial: true, blocks: b.tapeBlocks, blockSizes: [[4096, b.tapeBlocks]] })]);
});

test('a volume larger than the quota is refused before any write, with the numbers', async ({ persistent, livePage: page }) => {
  const cdp = await persistent.newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 8 * 1024 * 1024 });
  const scenario = busyScenario({ geometry: { blocks: 4096, blockBytes: 4096, cacheSlots: 256 } });
  const msg = await page.evaluate((s) => window.splitstream.run(s, { runtime: 'live' }).then(() => 'resolved', (e) => String(e)), scenario);
  expect(msg).toContain('Refused before any write');
  // The numbers: at least both 16 MiB volumes needed; what the origin may store or the
  // browser refused to reserve. (Chromium's estimate() ignores the CDP override, so here
  // the refusal comes from sizing the volume files, which precedes every data write.)
  const need = Number(/needs [\d.]+ \w+ \((\d+) bytes/.exec(msg)?.[1]);
  expect(need).toBeGreaterThanOrEqual(2 * 4096 * 4096);
  expect(msg).toMatch(/may store only [\d.]+ \w+ more \(\d+ bytes|refused to reserve [\d.]+ \w+ \(\d+ bytes\) for pvol-601\.img/);
  expect(msg).toContain('pvol-601.img');
  const files = await page.evaluate(() => window.splitstream.storage().then((s) => s.files));
  expect(files.filter((f) => f.bytes > 0)).toEqual([]);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
});

test('a run that ended cleanly leaves its workers warm for the next; one that did not, or lost a worker, leaves none', async ({ livePage: page }) => {
  type Fig = { workers: { used: number; reused: number }; handleMode: string };
  const run = (s: unknown, o: Record<string, unknown> = {}) => page.evaluate(async ([sc, opts]) => {
    const r = await window.splitstream.run(sc, { runtime: 'live', ...opts });
    return { verified: r.verified, reason: r.reason, fig: window.splitstream.lastLive() as unknown as Fig };
  }, [s, o] as const);
  // A restore to the S-VOL: the servers' worker reads it back through a handle of its own.
  const backup = { lba: 0, blocks: 0, transferBlocks: 8, check: 'unit' };
  const restore = busyScenario({
    mode: 'E3',
    script: [{ at: 10, op: 'split' }, { at: 10, op: 'backup', ...backup, level: 'full' }, { at: 10, op: 'restore', point: 0, to: 'svol' }],
  });
  const first = await run(restore);
  expect(first.verified, first.reason).toBe(true);
  // One worker for the four processors, the servers', the disk writer's and the flusher's: all new.
  expect(first.fig.workers).toEqual({ used: 4, reused: 0 });
  const second = await run(busyScenario(), { mode: 'E2' });
  expect(second.verified, second.reason).toBe(true);
  expect(second.fig.workers).toEqual({ used: 4, reused: 4 });
  // Exclusive handles: each file opened by one worker only, so a handle a warm worker kept
  // open (the read-back's) would refuse this run its files.
  const exclusive = await run(busyScenario(), { handles: 'exclusive' });
  expect(exclusive.verified, exclusive.reason).toBe(true);
  expect(exclusive.fig).toMatchObject({ handleMode: 'readwrite', workers: { used: 2, reused: 2 } });
  // A worker fault terminates a worker: that run gives none back.
  const fault = await run(busyScenario({ faults: [{ at: 5, kind: 'worker', processor: '508', downMs: 5 }] }));
  expect(fault.verified, fault.reason).toBe(true);
  expect(fault.fig.workers.used).toBe(7); // a worker per processor, one restarted, the servers' and the flusher's
  // Only the disk writer is warm: neither the exclusive run nor the fault's (a worker per
  // processor, its writes not behind) had a use for the one the second run left.
  const afterFault = await run(busyScenario());
  expect(afterFault.fig.workers).toEqual({ used: 4, reused: 1 });
  // A run stopped half-way (the playground's reset) gives none back either.
  const stopped = await page.evaluate(async (s) => {
    let ended = false;
    void window.splitstream.run(s, { runtime: 'live' }).finally(() => { ended = true; });
    while (!(await window.splitstream.liveProgress())) await new Promise((r) => setTimeout(r, 5));
    await window.splitstream.reset();
    return ended;
  }, busyScenario({ script: [{ at: 2000, op: 'split' }] }));
  expect(stopped, 'stopped before its end').toBe(false);
  const afterStop = await run(busyScenario());
  expect(afterStop.verified, afterStop.reason).toBe(true);
  expect(afterStop.fig.workers).toEqual({ used: 4, reused: 0 });
});
