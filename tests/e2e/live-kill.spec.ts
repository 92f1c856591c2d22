/**
 * The whole browser killed while the client writes (docs/live.md#what-survives-what): a
 * write acknowledged once written to OPFS, never flushed, must survive SIGKILL of every
 * Chromium process, and so must the pair state the array answered.
 *
 * Chromium is started here as a process group of its own (Playwright's persistent contexts
 * do not say which processes are theirs) and driven over CDP. The client's acknowledged
 * writes stream to the test as they arrive; at a seeded moment it kills the group: it knows
 * exactly the writes acknowledged before the kill, and trusts nothing written after it.
 * Chromium then reopens the same profile, the page recovers (metadata, journal replay), and
 * every acknowledged write must be on the P-VOL with its data intact, the pair in the state
 * its last answered command left it. KILL_SEED=n replays a run's kill points.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../browser.ts';
import { initialPending } from '../../src/scenario/initial.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { busyScenario, expect, openApp, test } from './live-fixtures.ts';

test.describe.configure({ timeout: 180_000 });

interface Chrome { child: ChildProcess; browser: Browser; page: Page }

/** Chromium on `profile`, in a process group of its own (detached), connected over CDP. */
async function launch(profile: string): Promise<Chrome> {
  const child = spawn(findChromium(), [
    ...CHROMIUM_ARGS, '--headless', '--disable-crash-reporter', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
  ], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const ws = await new Promise<string>((res, rej) => {
    let err = '';
    const t = setTimeout(() => rej(new Error(`Chromium gave no DevTools endpoint in 30 s: ${err.slice(-500)}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) { clearTimeout(t); res(m[1]); }
    });
    child.once('exit', (code) => { clearTimeout(t); rej(new Error(`Chromium exited (${code}): ${err.slice(-500)}`)); });
  });
  const browser = await chromium.connectOverCDP(ws);
  const page = await browser.contexts()[0].newPage();
  await openApp(page);
  return { child, browser, page };
}

/** SIGKILL to every process of the group (again, if it was sent already); resolves once none is left. */
async function killGroup(c: Chrome): Promise<void> {
  const pgid = c.child.pid!;
  try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
  const deadline = Date.now() + 30_000;
  for (;;) {
    try { process.kill(-pgid, 0); } catch { return; } // ESRCH: the group is gone
    if (Date.now() > deadline) throw new Error(`process group ${pgid} still alive 30 s after SIGKILL`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A small seeded generator (xorshift32) for the kill points. */
function prng(seed: number): () => number {
  let x = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0 || 1;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32; };
}

const BASE_SEED = Number(process.env.KILL_SEED ?? Math.floor(Math.random() * 1e6));
const KILLS = 4;
const SEED = 11;
const BLOCK_BYTES = 4096;

// The client writing throughout at the default preset's rate, into a hot spot of 40 blocks:
// with the blocks seeded dirty, fewer than the cache destages at (75 %), so 508 leaves them
// in cache and the journal is the only copy outside memory of nearly every acknowledged
// write. The cache, and so the journal, is small: the journal goes round several times a
// second, carrying the seeded blocks over each time. The split and a backup in the middle.
const scenario = busyScenario({
  mode: 'E1', seed: SEED,
  geometry: { blocks: 4096, blockBytes: BLOCK_BYTES, cacheSlots: 256 },
  initial: { pair: 'duplex', pending: 0.25, dirtyInCache: 0.1 },
  workload: { pattern: 'hotspot', rate: 5000, minBlocks: 1, maxBlocks: 8, hotFraction: 0.01, hotWeight: 1 },
  script: [
    { at: 300, op: 'split' },
    { at: 300, op: 'backup', lba: 0, blocks: 0, transferBlocks: 8, check: 'unit' },
    { at: 8000, op: 'resync' },
  ],
});

for (let k = 0; k < KILLS; k++) {
  // The title stays the same from run to run; the seed it uses is printed.
  test(`the browser killed at a random moment (kill point ${k + 1} of ${KILLS}): every acknowledged write and the pair state survive`, async () => {
    const seed = BASE_SEED + k;
    console.log(`kill point ${k + 1}: seed ${seed} (KILL_SEED=${BASE_SEED} replays all ${KILLS})`);
    const rnd = prng(seed);
    // Somewhere from the first writes to well after the split (about 1500 acknowledged by
    // then), and a few ms more.
    const killAfter = 100 + Math.floor(rnd() * 5000);
    const extraMs = rnd() < 0.5 ? 0 : Math.floor(rnd() * 20);
    const profile = mkdtempSync(join(tmpdir(), 'splitstream-kill-'));
    let c: Chrome | null = null;
    try {
      c = await launch(profile);
      const page = c.page, pgid = c.child.pid!;
      // Every acknowledgement reaches this process in one message from the servers' worker
      // (streamLiveAcks) the moment they have it; the kill goes out from the same handler,
      // so what the test knows is exactly what was acknowledged before it.
      const acked: { id: number; lba: number; blocks: number }[] = [];
      let splitAcked = false, killed = false;
      let onKill: () => void = () => {};
      const killedNow = new Promise<void>((res) => { onKill = res; });
      const kill = () => {
        if (killed) return;
        killed = true;
        process.kill(-pgid, 'SIGKILL');
        onKill();
      };
      await page.exposeFunction('__splitstreamAcks', (a: { writes: typeof acked; splitsAcked: number }) => {
        if (killed) return;
        acked.push(...a.writes);
        if (a.splitsAcked > 0) splitAcked = true;
        if (acked.length >= killAfter) setTimeout(kill, extraMs);
      });
      await page.evaluate(async (s) => {
        void window.splitstream.run(s, { runtime: 'live' }).catch(() => undefined);
        const w = window as unknown as { __splitstreamAcks(a: unknown): void };
        while (!(await window.splitstream.streamLiveAcks((a) => w.__splitstreamAcks(a)))) await new Promise((r) => setTimeout(r, 1));
      }, scenario);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`only ${acked.length} of ${killAfter} writes acknowledged in 60 s`)), 60_000); });
      await Promise.race([killedNow, timeout]).finally(() => clearTimeout(timer));
      await killGroup(c);
      c = null;
      console.log(`killed after ${acked.length} acknowledged writes (split acknowledged: ${splitAcked})`);

      c = await launch(profile);
      const report = await c.page.evaluate(() => window.splitstream.recovery());
      expect(report.found).toBe(true);
      expect(report.pairs).toHaveLength(1);
      const [pair] = report.pairs;
      // The pair as its last answered command left it; a split sent but not yet answered may
      // or may not have happened; a split still pending comes back suspended, since its
      // differential was not saved (recovery-honesty.ts), and says so.
      if (splitAcked) expect(['split', 'suspended']).toContain(pair.state516);
      else expect(['duplex', 'split', 'suspended']).toContain(pair.state516);
      if (pair.state516 === 'suspended') expect(report.notes.join(' ')).toMatch(/was split-pending, but its differential was not saved/);
      // Written while I/O ran: the differential is not trusted, every block counts as dirty.
      expect(report.bitmapsTrusted).toBe(false);
      expect(pair.pending).toBe(4096);
      // The blocks seeded dirty in cache (their newest data, generation 0, never on the
      // P-VOL before the run) count as acknowledged writes of id -1.
      const { pending, nDirty } = initialPending(validateScenario(scenario, { runtime: 'live' }));
      const seeded = pending.slice(0, nDirty).map((lba) => ({ id: -1, lba, blocks: 1 }));
      const check = await c.page.evaluate(([ws, s, bb]) => window.splitstream.checkAcked(s, bb, ws), [[...seeded, ...acked], SEED, BLOCK_BYTES] as [typeof acked, number, number]);
      expect(check.checkedBlocks).toBeGreaterThan(0);
      expect(check.errors).toEqual([]);
      // The playground is usable again: the scenario runs to the end and verifies.
      const again = await c.page.evaluate((s) => window.splitstream.run({ ...s, script: (s.script as unknown[]).slice(0, 2) }, { runtime: 'live' }), scenario);
      expect(again.verified, again.reason).toBe(true);
    } finally {
      if (c) await killGroup(c).catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    }
  });
}
