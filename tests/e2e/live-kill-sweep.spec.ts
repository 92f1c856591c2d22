/**
 * The kill sweep (docs/live.md#what-survives-what): the whole browser killed (SIGKILL to its
 * process group) at seeded points across a pair's life: its formation copy, the split still
 * pending, the backup streaming. After each kill Chromium reopens the profile and the same
 * invariants must hold (kill-chrome.ts checkRecovered): every acknowledged write on the P-VOL,
 * the pair as its last answer left it (a split-pending pair rebuilt, never on a guess), a
 * backup that completed verified against the oracle's split-instant image; then the split
 * completes (a split-pending pair resumed) and its S-VOL is that image too.
 *
 * Each point starts the next run in the browser that reopened after the last kill, so a point
 * costs one Chromium start. KILL_SEED=n replays a sweep (it is printed); SWEEP_POINTS=n runs
 * n points (20 by default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRecovered, killGroup, launch, prng, runAndKill, seededDirty, type Chrome, type Killed } from './kill-chrome.ts';
import { busyScenario, expect, test } from './live-fixtures.ts';

const SEED = Number(process.env.KILL_SEED ?? Math.floor(Math.random() * 1e6));
const POINTS = Number(process.env.SWEEP_POINTS ?? 20);

test.describe.configure({ timeout: 60_000 + POINTS * 20_000 });

// The pair formed from nothing (every block copied), split at 150 ms, an E1 backup of the
// whole volume after it (priority copies, then the stream), the client writing all over the
// volume throughout (copies before write once split).
const scenario = busyScenario({
  mode: 'E1', seed: 13,
  geometry: { blocks: 2048, blockBytes: 4096, cacheSlots: 256 },
  initial: { pair: 'simplex', pending: 0, dirtyInCache: 0 },
  workload: { pattern: 'uniform', rate: 2000, minBlocks: 1, maxBlocks: 8, hotFraction: 0.1, hotWeight: 0.5 },
  script: [
    { at: 0, op: 'create' },
    { at: 150, op: 'split' },
    { at: 150, op: 'backup', lba: 0, blocks: 0, transferBlocks: 8, check: 'unit' },
  ],
});

/** Where a point kills: during the formation copy, just after the split's answer, or into the backup. */
function killPoint(i: number, rnd: () => number): { phase: string; when: (k: Killed) => boolean; extraMs: number } {
  const phase = ['formation', 'split-pending', 'backup'][i % 3];
  // The first acknowledgements come in one message, a moment after the formation copy began.
  if (phase === 'formation') return { phase, when: (k) => k.acked.length > 0, extraMs: Math.floor(rnd() * 60) };
  const extraMs = phase === 'split-pending' ? Math.floor(rnd() * 10) : 10 + Math.floor(rnd() * 300);
  return { phase, when: (k) => k.splitAckAt !== null, extraMs };
}

test(`the browser killed at ${POINTS} seeded points across the formation copy, the split pending and the backup: the same invariants each time, and the split completes`, async () => {
  console.log(`kill sweep: seed ${SEED} (KILL_SEED=${SEED} replays it), ${POINTS} points`);
  const t0 = Date.now();
  const rnd = prng(SEED);
  const profile = mkdtempSync(join(tmpdir(), 'splitstream-sweep-'));
  const seeded = seededDirty(scenario);
  const seen: Record<string, number> = {};
  let c: Chrome | null = null;
  try {
    c = await launch(profile);
    for (let i = 0; i < POINTS; i++) {
      const p = killPoint(i, rnd);
      const k = await runAndKill(c, scenario, p.when, p.extraMs);
      c = await launch(profile);
      const { came, backupDone } = await checkRecovered(c.page, scenario, k, seeded);
      const key = `${came}${backupDone ? ' (backup done)' : ''}`;
      seen[key] = (seen[key] ?? 0) + 1;
      console.log(`point ${i + 1} (${p.phase}): killed after ${k.acked.length} acknowledged writes, the pair came back ${key}`);
    }
  } finally {
    if (c) await killGroup(c).catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`kill sweep: ${JSON.stringify(seen)} in ${Math.round((Date.now() - t0) / 1000)} s`);
  expect(Object.values(seen).reduce((a, b) => a + b, 0)).toBe(POINTS);
});
