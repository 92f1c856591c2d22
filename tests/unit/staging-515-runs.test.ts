// What a restarted 503 makes again (Channel503.carryOn) against what the lost one had: a
// catalogued backup's runs computed from 511 (src/array/staging-515.ts streamedRuns) against
// the runs 503 gathers as it streams, at every step of random full and incremental backups;
// a restore's plan made again from the tape and 511 against the running one's, at every step
// of random restores.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { B, BackupState, JobKind } from '../../src/array/memory-507.ts';
import { streamedRuns } from '../../src/array/staging-515.ts';
import { Channel503 } from '../../src/array/channel-503.ts';
import { createSim } from '../../src/runtime/sim.ts';
import { MODES } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { coreForTests } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

describe('a catalogued backup’s runs, from 511 alone', () => {
  it('equal those 503 gathered, at every step of full and incremental backups', () => {
    let compared = 0, incremental = 0;
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 64, max: 512 }), fc.integer({ min: 1, max: 16 }), fc.constantFrom(...MODES),
      fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), (seed, blocks, unit, mode, hot, lbaFrac) => {
        const lba = Math.floor(blocks * lbaFrac), range = { lba, blocks: blocks - lba };
        const s = validateScenario({
          version: 1, name: 'runs', seed, mode,
          geometry: { blocks, blockBytes: 512, cacheSlots: 32 },
          initial: { pair: 'duplex', pending: 0.3, dirtyInCache: 0.2 },
          workload: { pattern: 'hotspot', rate: 20000, minBlocks: 1, maxBlocks: 4, hotFraction: hot, hotWeight: 1 },
          script: [
            { at: 0, op: 'split' }, { at: 0, op: 'backup', ...range, transferBlocks: unit, check: 'unit', level: 'full' }, { at: 0, op: 'resync' },
            { at: 1, op: 'split' }, { at: 1, op: 'backup', ...range, transferBlocks: unit, check: 'unit', level: 'incremental' },
          ],
        });
        const sim = createSim(s, { core });
        const m = sim.controller.ctx.m;
        while (sim.step()) {
          const st = m.b(B.STATE), kind = m.b(B.KIND);
          if (st !== BackupState.RUNNING || (kind !== JobKind.FULL && kind !== JobKind.INCREMENTAL)) continue;
          expect(streamedRuns(m, m.b(B.SENT_SEQ))).toEqual(sim.controller.p503.runsSoFar());
          compared++;
          if (kind === JobKind.INCREMENTAL && m.b(B.SENT_SEQ) > 0) incremental++;
        }
        expect(sim.runToEnd().verified).toBe(true);
      }), { numRuns: 60 });
    // The comparison ran, incrementals mid-stream among them.
    expect(compared).toBeGreaterThan(500);
    expect(incremental).toBeGreaterThan(50);
  });

  it('a restore’s plan made again from the tape and 511 is the running one’s, at every step', () => {
    let compared = 0;
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 64, max: 256 }), fc.integer({ min: 1, max: 16 }), fc.constantFrom('svol' as const, 'disk' as const),
      (seed, blocks, unit, to) => {
        const range = { lba: 0, blocks };
        const s = validateScenario({
          version: 1, name: 'restore plan', seed, mode: 'E3',
          geometry: { blocks, blockBytes: 512, cacheSlots: 32 },
          initial: { pair: 'duplex', pending: 0.3, dirtyInCache: 0.2 },
          workload: { pattern: 'uniform', rate: 20000, minBlocks: 1, maxBlocks: 4 },
          script: [
            { at: 0, op: 'split' }, { at: 0, op: 'backup', ...range, transferBlocks: unit, check: 'unit', level: 'full' }, { at: 0, op: 'resync' },
            { at: 1, op: 'split' }, { at: 1, op: 'backup', ...range, transferBlocks: unit, check: 'unit', level: 'incremental' },
            { at: 1, op: 'restore', point: 1, to },
          ],
        });
        const sim = createSim(s, { core });
        const m = sim.controller.ctx.m;
        while (sim.step()) {
          const kind = m.b(B.KIND);
          if (m.b(B.STATE) !== BackupState.RUNNING || (kind !== JobKind.RESTORE_SVOL && kind !== JobKind.RESTORE_DISK)) continue;
          const fresh = new Channel503(sim.controller.ctx);
          fresh.carryOn();
          expect(fresh.restorePlan()).toEqual(sim.controller.p503.restorePlan());
          compared++;
        }
        const r = sim.runToEnd();
        expect(r.verified).toBe(true);
        expect(r.restores?.every((x) => x.verified)).toBe(true);
      }), { numRuns: 30 });
    expect(compared).toBeGreaterThan(100);
  });
});
