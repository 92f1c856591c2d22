/**
 * Killing the whole browser in the middle of a live run (docs/live.md#what-survives-what),
 * for the kill tests (live-kill.spec.ts, live-kill-sweep.spec.ts): Chromium is started as a
 * process group of its own (Playwright's persistent contexts do not say which processes are
 * theirs) and driven over CDP. The client's acknowledgements stream to the test as they
 * arrive (streamLiveAcks); the kill goes out from the same handler, so what the test knows is
 * exactly what was acknowledged before it, and it trusts nothing written after it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../browser.ts';
import { initialPending } from '../../src/scenario/initial.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { openApp } from './live-fixtures.ts';

export interface Chrome { child: ChildProcess; browser: Browser; page: Page }

/** Chromium on `profile`, in a process group of its own (detached), connected over CDP. */
export async function launch(profile: string): Promise<Chrome> {
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
  const context = browser.contexts()[0];
  // A returning visitor: the guided tour does not open by itself (web/ui/use-tour.ts).
  await context.addInitScript(() => localStorage.setItem('splitstream.tour', 'seen'));
  // The tab it opened (about:blank): a new one costs a CDP round more.
  const page = context.pages()[0] ?? (await context.newPage());
  await openApp(page);
  return { child, browser, page };
}

/** SIGKILL to every process of the group (again, if it was sent already); resolves once none is left. */
export async function killGroup(c: Chrome): Promise<void> {
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
export function prng(seed: number): () => number {
  let x = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0 || 1;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32; };
}

export interface Acked { id: number; lba: number; blocks: number; ack: number }

/** What the test knew when it killed the browser. */
export interface Killed {
  acked: Acked[];
  /** The split's acknowledgement time (the array's clock), null if it was not answered before the kill. */
  splitAckAt: number | null;
}

/**
 * Runs `scenario` live in `c` and kills the browser once `when` says so, `extraMs` after
 * (from the acknowledgement handler itself); resolves once every process is gone.
 */
export async function runAndKill(c: Chrome, scenario: Record<string, unknown>, when: (k: Killed) => boolean, extraMs: number,
  timeoutMs = 60_000): Promise<Killed> {
  const page = c.page, pgid = c.child.pid!;
  const k: Killed = { acked: [], splitAckAt: null };
  let killed = false;
  let onKill: () => void = () => {};
  const killedNow = new Promise<void>((res) => { onKill = res; });
  const kill = () => {
    if (killed) return;
    killed = true;
    process.kill(-pgid, 'SIGKILL');
    onKill();
  };
  const ids = new Set<number>();
  await page.exposeFunction('__splitstreamAcks', (a: { writes: Acked[]; splitAckAt: number | null }) => {
    if (killed) return;
    for (const w of a.writes) if (!ids.has(w.id)) { ids.add(w.id); k.acked.push(w); }
    if (a.splitAckAt !== null) k.splitAckAt = a.splitAckAt;
    if (when(k)) setTimeout(kill, extraMs);
  });
  await page.evaluate(async (s) => {
    void window.splitstream.run(s, { runtime: 'live' }).catch(() => undefined);
    const w = window as unknown as { __splitstreamAcks(a: unknown): void };
    while (!(await window.splitstream.streamLiveAcks((a) => w.__splitstreamAcks(a)))) await new Promise((r) => setTimeout(r, 1));
    // The stream starts at the servers' next poll: the writes acknowledged before it are asked
    // for (a page slow to ask met the client already writing, and the test missed them).
    const before = await window.splitstream.liveAcks(0);
    if (before) w.__splitstreamAcks(before);
  }, scenario);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`the kill point was not reached in ${timeoutMs / 1000} s (${k.acked.length} writes acknowledged)`)), timeoutMs); });
  await Promise.race([killedNow, timeout]).finally(() => clearTimeout(timer));
  await killGroup(c);
  return k;
}

/** The blocks seeded dirty in cache (their newest data, generation 0, never on the P-VOL before the run) as acknowledged writes of id -1. */
export function seededDirty(s: Record<string, unknown>): { id: number; lba: number; blocks: number }[] {
  const { pending, nDirty } = initialPending(validateScenario(s, { runtime: 'live' }));
  return pending.slice(0, nDirty).map((lba) => ({ id: -1, lba, blocks: 1 }));
}

/**
 * After the browser reopened on the killed run's profile: what the recovery must have kept
 * (docs/live.md#what-survives-what), and the pair carried on to its end:
 *   - every acknowledged write on the P-VOL, and every block seeded dirty in cache;
 *   - the pair as its last answer left it: a split answered is split, or split-pending with
 *     its differential rebuilt, or suspended only with the recovery's reason;
 *   - a backup that completed (its tape file closed) holds the split-instant image;
 *   - a split-pending pair carries on (window.splitstream.resume: 508's copy) to split;
 *   - a split the test saw answered, once complete, left the S-VOL equal to the oracle's
 *     split-instant image (src/oracle/).
 * Returns the state the pair came back in.
 */
export async function checkRecovered(page: Page, scenario: Record<string, unknown>, k: Killed, seededDirty: { id: number; lba: number; blocks: number }[]): Promise<{ came: string; backupDone: boolean }> {
  const { seed, geometry } = scenario as { seed: number; geometry: { blocks: number; blockBytes: number } };
  const report = await page.evaluate(() => window.splitstream.recovery());
  const note = report.notes.join(' ');
  if (!report.found || report.pairs.length !== 1) throw new Error(`recovery found no pair: ${note}`);
  const [pair] = report.pairs;
  const check = await page.evaluate(([ws, s, bb]) => window.splitstream.checkAcked(s, bb, ws), [[...seededDirty, ...k.acked], seed, geometry.blockBytes] as [typeof k.acked, number, number]);
  if (check.errors.length) throw new Error(`acknowledged writes lost: ${JSON.stringify(check.errors.slice(0, 5))}`);
  const came = pair.state517;
  // A backup that completed before the kill: its tape file is the split's image (read before
  // anything runs again: a new run lays the tape out afresh).
  let backupDone = false;
  if (k.splitAckAt !== null) {
    const tape = await page.evaluate(([s, bb, n, ws, at]) => window.splitstream.checkTapeImage(s, bb, n, ws, at),
      [seed, geometry.blockBytes, geometry.blocks, k.acked, k.splitAckAt] as [number, number, number, typeof k.acked, number]);
    if (tape.errors.length) throw new Error(`a completed backup's tape is not the split-instant image: ${JSON.stringify(tape.errors.slice(0, 5))}`);
    backupDone = tape.completed;
  }
  if (pair.state516 === 'suspended') {
    // Only with the recovery's reason (recovery-honesty.ts): never silently.
    if (!/was split-pending, but its differential was not saved/.test(note)) throw new Error(`suspended without a reason: ${note}`);
    console.log(`suspended: ${note}`);
    return { came, backupDone };
  }
  if (k.splitAckAt !== null && pair.state516 !== 'split') throw new Error(`the split was answered, the pair came back ${pair.state516}/${pair.state517}`);
  if (pair.state517 === 'split-pending') {
    if (!pair.diffRebuilt) throw new Error(`split-pending without a rebuilt differential: ${note}`);
    const r = await page.evaluate(() => window.splitstream.resume());
    if (r.s517 !== 'split' || r.pending !== 0) throw new Error(`the resumed copy ended ${r.p516}/${r.s517} with ${r.pending} pending`);
  }
  if (pair.state516 === 'split' && k.splitAckAt !== null) {
    const img = await page.evaluate(([s, bb, n, ws, at]) => window.splitstream.checkSplitImage(s, bb, n, ws, at),
      [seed, geometry.blockBytes, geometry.blocks, k.acked, k.splitAckAt] as [number, number, number, typeof k.acked, number]);
    if (img.errors.length) throw new Error(`the S-VOL is not the split-instant image: ${JSON.stringify(img.errors.slice(0, 5))}`);
  }
  return { came, backupDone };
}
