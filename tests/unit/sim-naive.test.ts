// The naive demonstration (docs/patent.md#the-problem): a quick split plus an EXTENDED
// COPY that streams the S-VOL as it is. It must fail the point-in-time check for the right
// reason: exactly when a block of the range was still pending in 514 at the moment 508 read
// it for the tape, and the first bad block the oracle names is the first such block.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { createSim, type Sim } from '../../src/runtime/sim.ts';
import { createSimHost } from '../../src/runtime/sim-host.ts';
import { PATTERNS, type Scenario } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const arbNaive = fc.record({
  seed: fc.nat(),
  blocks: fc.integer({ min: 32, max: 512 }),
  blockBytes: fc.constantFrom(512, 1024, 4096),
  pending: fc.constantFrom(0, 0, 0.001, 0.05, 0.3, 1),
  dirty: fc.double({ min: 0, max: 1, noNaN: true }),
  pattern: fc.constantFrom(...PATTERNS),
  rate: fc.constantFrom(0, 2000, 20000),
  splitAt: fc.double({ min: 0, max: 2, noNaN: true }),
  backupDelay: fc.constantFrom(0, 0.5, 5, 50),
  lbaFrac: fc.double({ min: 0, max: 0.9, noNaN: true }),
  lenFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  transferBlocks: fc.integer({ min: 1, max: 16 }),
  check: fc.constantFrom('unit', 'range'),
}).map((a): Scenario => {
  const lba = Math.floor(a.blocks * a.lbaFrac);
  return validateScenario({
    version: 1, name: 'naive property', seed: a.seed, mode: 'naive',
    geometry: { blocks: a.blocks, blockBytes: a.blockBytes, cacheSlots: Math.max(16, a.blocks >> 2) },
    initial: { pair: 'duplex', pending: a.pending, dirtyInCache: a.dirty },
    workload: { pattern: a.pattern, rate: a.rate, minBlocks: 1, maxBlocks: 4 },
    script: [
      { at: a.splitAt, op: 'split' },
      { at: a.splitAt + a.backupDelay, op: 'backup', lba, blocks: Math.floor((a.blocks - lba) * a.lenFrac), transferBlocks: Math.min(a.transferBlocks, Math.floor(65535 / a.blockBytes)), check: a.check },
    ],
  });
});

/**
 * Runs the sim step by step and, right after each step in which 508 staged a unit for the
 * tape, reads 514 itself (nothing else ran since the read) for the unit's pending blocks.
 */
function runWatching(sim: Sim): { stale: number[]; logged: number } {
  const stale: number[] = [];
  let seen = 0, logged = 0;
  const d = sim.controller.ctx.diff;
  while (sim.step()) {
    for (; seen < sim.events.length; seen++) {
      const e = sim.events[seen]!;
      if (e.actor !== '508' || e.ev !== 'stage.done') continue;
      const lba = e.detail!.lba as number, n = e.detail!.n as number;
      logged += e.detail!.stale as number;
      for (let b = d.nextPending(lba, lba + n); b >= 0; b = b + 1 < lba + n ? d.nextPending(b + 1, lba + n) : -1) stale.push(b);
    }
  }
  return { stale, logged };
}

describe('naive: quick split + EXTENDED COPY without the guarantee', () => {
  it('fails exactly when a block of the range was pending when streamed, naming the first one', () => {
    let failed = 0, verified = 0;
    fc.assert(fc.property(arbNaive, (s) => {
      const sim = createSim(s, { core });
      const { stale, logged } = runWatching(sim);
      const r = sim.runToEnd();
      expect(logged).toBe(stale.length);
      if (stale.length === 0) {
        verified++;
        expect(r.reason).toBeUndefined();
        expect(r.verified).toBe(true);
        expect(r.tapeDataSha256).toBe(r.pitSha256);
      } else {
        failed++;
        expect(r.verified).toBe(false);
        // One segment streams in ascending LBA order: the first stale block is the lowest.
        expect(r.firstMismatch?.block).toBe(Math.min(...stale));
        expect(r.reason).toMatch(`block ${Math.min(...stale)}:`);
      }
    }), { numRuns: 60 });
    // Both sides of the property were exercised (the arbitrary mixes pending = 0 and > 0).
    expect(failed).toBeGreaterThan(0);
    expect(verified).toBeGreaterThan(0);
  });

  it('never asks 508 for a priority copy, a merge or an S-VOL write on the backup\'s behalf', () => {
    const r = createSim(small({ mode: 'naive' }), { core }).runToEnd();
    expect(r).toMatchObject({ priorityCopies: 0, stagedFromPvol: 0, svolWritesForBackup: 0 });
  });

  it('the preset fails with a first bad block; the same scenario in E1 verifies', () => {
    const s = validateScenario(JSON.parse(readFileSync(new URL('../../scenarios/naive-quick-split-inconsistent.json', import.meta.url), 'utf8')));
    expect(s.mode).toBe('naive');
    const naive = createSim(s, { core }).runToEnd();
    expect(naive.verified).toBe(false);
    expect(naive.firstMismatch).toBeDefined();
    expect(naive.firstMismatch!.tapeGen).not.toBe(naive.firstMismatch!.expectedGen);
    const e1 = createSim(s, { core, mode: 'E1' }).runToEnd();
    expect(e1.verified).toBe(true);
  });

  it('is refused by the SCSI wire host with a message naming the mode', () => {
    expect(() => createSimHost(small({ mode: 'naive' }), { core })).toThrow(/mode: naive is a sim-only demonstration/);
    expect(() => createSimHost(small(), { core, mode: 'naive' })).toThrow(/SCSI wire serves E1, E2, E2h, E3, E4 and sync/);
  });
});
