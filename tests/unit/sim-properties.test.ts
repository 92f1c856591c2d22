// Property tests of the whole sim: random geometry, workload, timing of
// split and backup, and mode; every backup must verify against the independent oracle.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { createSim } from '../../src/runtime/sim.ts';
import type { SimEvent } from '../../src/array/events.ts';
import { E4_VIA, MODES, PATTERNS, type Scenario } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { coreForTests } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const arbScenario = fc.record({
  seed: fc.nat(),
  blocks: fc.integer({ min: 32, max: 512 }),
  blockBytes: fc.constantFrom(512, 1024, 4096),
  cacheFrac: fc.double({ min: 0.05, max: 1, noNaN: true }),
  pending: fc.double({ min: 0, max: 1, noNaN: true }),
  dirty: fc.double({ min: 0, max: 1, noNaN: true }),
  pattern: fc.constantFrom(...PATTERNS),
  rate: fc.integer({ min: 0, max: 40000 }),
  maxBlocks: fc.integer({ min: 1, max: 8 }),
  splitAt: fc.double({ min: 0, max: 3, noNaN: true }),
  backupAt: fc.double({ min: 0, max: 6, noNaN: true }),
  lbaFrac: fc.double({ min: 0, max: 0.9, noNaN: true }),
  lenFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  transferBlocks: fc.integer({ min: 1, max: 32 }),
  check: fc.constantFrom('unit', 'range'),
  mode: fc.constantFrom(...MODES),
  e4Via: fc.constantFrom(...E4_VIA),
}).map((a): Scenario => {
  const lba = Math.floor(a.blocks * a.lbaFrac);
  return validateScenario({
    version: 1, name: 'property', seed: a.seed, mode: a.mode, e4Via: a.e4Via,
    geometry: { blocks: a.blocks, blockBytes: a.blockBytes, cacheSlots: Math.max(16, Math.floor(a.blocks * a.cacheFrac)) },
    initial: { pair: 'duplex', pending: a.pending, dirtyInCache: a.dirty },
    workload: { pattern: a.pattern, rate: a.rate, minBlocks: 1, maxBlocks: a.maxBlocks },
    script: [
      { at: a.splitAt, op: 'split' },
      { at: a.backupAt, op: 'backup', lba, blocks: Math.floor((a.blocks - lba) * a.lenFrac), transferBlocks: Math.min(a.transferBlocks, Math.floor(65535 / a.blockBytes)), check: a.check },
    ],
  });
});

/** When 517 read split: the split.complete event, or the split itself if nothing was pending. */
function splitCompleteAt(events: readonly SimEvent[]): number {
  const split = events.find((e) => e.ev === 'split')!;
  if (split.detail?.pendingAtSplit === 0) return split.t;
  return events.find((e) => e.ev === 'split.complete')?.t ?? Infinity;
}

describe('every mode, random scenarios', () => {
  it('every backup verifies; E3 writes no S-VOL block for the backup; E2 streams only after 514 is empty', () => {
    // serveInline: 503 performs its own requests to 508, as the live runtime's 503 does.
    fc.assert(fc.property(arbScenario, fc.boolean(), (s, serveInline) => {
      const sim = createSim(s, { core, serveInline });
      // Blocks copied into the S-VOL: those pending in 514 when written. Any other block a
      // write covers (508 writes a window of several runs as one span) must keep its bytes.
      let svolBlocksWritten = 0;
      const { diff } = sim.controller.ctx;
      const bb = s.geometry.blockBytes, old = new Uint8Array(bb);
      const write = sim.svol.write.bind(sim.svol);
      sim.svol.write = (lba, n, from) => {
        for (let i = 0; i < n; i++) {
          if (diff.isPending(lba + i)) { svolBlocksWritten++; continue; }
          sim.svol.read(lba + i, 1, old);
          expect(Buffer.compare(old, from.subarray(i * bb, (i + 1) * bb))).toBe(0);
        }
        write(lba, n, from);
      };
      const r = sim.runToEnd();
      expect(r.reason).toBeUndefined();
      expect(r.verified).toBe(true);
      expect(r.tapeDataSha256).toBe(r.pitSha256);
      // Every S-VOL write is accounted for by exactly one cause.
      expect(svolBlocksWritten).toBe(r.cowCopies + r.backgroundCopies + r.priorityCopies);
      const method = s.mode === 'E4' ? s.e4Via : s.mode;
      if (method === 'E3') {
        expect(r.svolWritesForBackup).toBe(0);
        expect(r.priorityCopies).toBe(0);
      }
      if (method === 'E2' || method === 'E2h' || method === 'sync') {
        const firstTape = sim.events.find((e) => e.ev === 'tape.write');
        if (firstTape) expect(firstTape.t).toBeGreaterThanOrEqual(splitCompleteAt(sim.events));
        expect(r.priorityCopies).toBe(0);
      }
    }), { numRuns: 80 });
  });

  it('the same scenario and seed give the same events and result', () => {
    fc.assert(fc.property(arbScenario, (s) => {
      const a = createSim(s, { core }), ra = a.runToEnd();
      const ea = JSON.stringify(a.events);
      const b = createSim(s, { core }), rb = b.runToEnd();
      expect(JSON.stringify(b.events)).toBe(ea);
      expect(rb).toEqual(ra);
    }), { numRuns: 10 });
  });
});

describe('quick split', () => {
  it('the split ack time does not depend on the pending count (the prior art does)', () => {
    fc.assert(fc.property(
      fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 2, noNaN: true }), fc.constantFrom('E1', 'E2', 'E2h', 'E3', 'E4'),
      (seed, p1, p2, splitAt, mode) => {
        // Cache as large as the volume: 501's timeline before the split depends on the writes only.
        const mk = (pending: number) => validateScenario({
          version: 1, seed, mode, geometry: { blocks: 1024, blockBytes: 512, cacheSlots: 1024 },
          initial: { pair: 'duplex', pending, dirtyInCache: 0.2 },
          workload: { pattern: 'uniform', rate: 5000, minBlocks: 1, maxBlocks: 4 },
          script: [{ at: splitAt, op: 'split' }, { at: splitAt, op: 'backup', transferBlocks: 8 }],
        });
        const a = createSim(mk(p1), { core }).runToEnd();
        const b = createSim(mk(p2), { core }).runToEnd();
        expect(a.splitAckMs).toBe(b.splitAckMs);
        expect(a.verified && b.verified).toBe(true);
      }), { numRuns: 25 });
  });

  it('with 64 Ki blocks the ack is one command step at any pending fraction; sync grows with it', () => {
    const mk = (pending: number) => validateScenario({
      version: 1, geometry: { blocks: 65536, blockBytes: 512, cacheSlots: 256 },
      initial: { pair: 'duplex', pending, dirtyInCache: 0 }, workload: { rate: 0 },
      script: [{ at: 0, op: 'split' }],
    });
    const acks = [0, 0.01, 0.5, 1].map((p) => {
      const sim = createSim(mk(p), { core });
      sim.runToEnd();
      const cmd = sim.events.find((e) => e.ev === 'split.cmd')!.t;
      return sim.events.find((e) => e.ev === 'split.ack')!.t - cmd;
    });
    const cmdMs = mk(0).costs.cmdMs;
    for (const a of acks) expect(a).toBeCloseTo(cmdMs, 9);
    // 100 times the pending blocks: the prior art's ack grows with them (less than 100
    // times: 508 copies a window of several pending runs as one span).
    const sync = [0.001, 0.1].map((p) => createSim(mk(p), { core, mode: 'sync' }).runToEnd().splitAckMs);
    expect(sync[1]).toBeGreaterThan(sync[0] * 5);
  });
});
