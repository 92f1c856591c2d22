/**
 * The array runs again on what a recovery left (src/runtime/live/resume-508.ts), in Node over
 * the real controller: a split-pending pair whose 514 was rebuilt is put back into 507 from
 * its records, and 508's background copy alone takes it to split (§0026). Along the way every
 * snapshot of 514 its keeper writes only loses bits, and never calls a block copied whose
 * S-VOL does not hold the split-instant image yet; at the end the S-VOL is that image.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/array/controller.ts';
import { W } from '../../src/array/memory-507.ts';
import { PS } from '../../src/array/pair-state.ts';
import { loadCoreNode } from '../../src/core/load-node.ts';
import { createSharedMemory } from '../../src/core/memory.ts';
import { fillBlock } from '../../src/core/prng.ts';
import { AwsTapeWriter } from '../../src/devices/awstape.ts';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { createCostModel } from '../../src/runtime/cost-model.ts';
import {
  DifferentialKeeper, SNAPSHOT_AT, clearDiffFile, decodeSnapshot, diffSourceOf, encodeSnapshot, writeBoundary, writeSnapshot,
} from '../../src/runtime/live/differential-514-store.ts';
import { MemorySlotStore, MetadataJournal } from '../../src/runtime/live/metadata-journal.ts';
import { resumeSplitPending } from '../../src/runtime/live/resume-508.ts';
import { DEFAULT_COSTS } from '../../src/scenario/schema.ts';
import { MemHandle } from './mem-handle.ts';

const BLOCKS = 300, BB = 512, SEED = 4;
const gen = (dev: MemoryBlockDevice, b: number) => new DataView(dev.data.buffer, dev.data.byteOffset + b * BB + 4, 4).getInt32(0, true);
const bit = (bm: Uint8Array, b: number) => (bm[b >> 3] >> (b & 7)) & 1;

/** What a recovery left: the volumes, the record (split `splitSeq` pending) and 514's file. */
async function recovered(image: number[], pending: boolean[], splitSeq: number, snapshotSeq = splitSeq) {
  const core = await loadCoreNode(createSharedMemory(1 << 22));
  const pvol = new MemoryBlockDevice({ name: 'pvol-601', blocks: BLOCKS, blockBytes: BB });
  const svol = new MemoryBlockDevice({ name: 'svol-602', blocks: BLOCKS, blockBytes: BB });
  const block = new Uint8Array(BB);
  for (let b = 0; b < BLOCKS; b++) {
    // Pending: the image only on the P-VOL; copied: on the S-VOL, the P-VOL written since.
    fillBlock(block, SEED, pending[b] ? image[b] : image[b] + 1000, b);
    pvol.write(b, 1, block);
    fillBlock(block, SEED, pending[b] ? -1 : image[b], b);
    svol.write(b, 1, block);
  }
  const ctl = new Controller({
    core, blocks: BLOCKS, blockBytes: BB, cacheSlots: 32, cost: createCostModel(DEFAULT_COSTS),
    pvol, svol, tape: new AwsTapeWriter({ sink: () => {} }), now: () => 0, log: () => {},
  });
  const meta = new MemorySlotStore();
  new MetadataJournal(meta, 6).commit({
    clean: false, inFlight: [],
    pairs: [{ pvol: 'pvol-601', svol: 'svol-602', blocks: BLOCKS, state516: 'split', state517: 'split-pending', diff514: new Uint8Array(0), postSplit: new Uint8Array(0), splitSeq }],
  });
  const diff = new MemHandle();
  clearDiffFile(diff, BLOCKS);
  writeBoundary(diff, { splitSeq, lastJournaledId: 10, untaken: [] }, false);
  const bits = new Uint8Array(Math.ceil(BLOCKS / 8));
  pending.forEach((p, b) => { if (p) bits[b >> 3] |= 1 << (b & 7); });
  const out = new Uint8Array(SNAPSHOT_AT);
  writeSnapshot(diff, out.subarray(0, encodeSnapshot(out, snapshotSeq, BLOCKS, bits, pending.filter(Boolean).length)), false);
  return { ctl, pvol, svol, meta, diff };
}

describe('a recovered split-pending pair carries on to split', () => {
  it('507 from the records, then 508 alone copies the rest: the snapshots only lose bits, truthfully, and the S-VOL ends as the image', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.nat(50), { minLength: BLOCKS, maxLength: BLOCKS }), fc.array(fc.boolean(), { minLength: BLOCKS, maxLength: BLOCKS }),
      async (image, pending) => {
        fc.pre(pending.some(Boolean));
        const { ctl, svol, meta, diff } = await recovered(image, pending, 3);
        const r = resumeSplitPending(ctl.ctx, meta, diff);
        const { m } = ctl.ctx;
        expect(r).toEqual({ splitSeq: 3, pending: pending.filter(Boolean).length, metaSeq: 7 });
        expect([m.w(W.P_STATE), m.w(W.S_STATE), m.w(W.SPLIT_SEQ)]).toEqual([PS.SPLIT, PS.SPLIT_PENDING, 3]);
        for (let b = 0; b < BLOCKS; b++) expect(ctl.ctx.diff.isPending(b)).toBe(pending[b]);
        // The keeper of the resumed run, after each of 508's steps (metadata-persister.ts).
        const keeper = new DifferentialKeeper(diff, diffSourceOf(ctl.ctx));
        let before = decodeSnapshot(diff.bytes.subarray(SNAPSHOT_AT))!.bits;
        for (let steps = 0; ; steps++) {
          expect(steps).toBeLessThan(10_000);
          const w = ctl.p508.next();
          if (!w) break;
          w.run();
          keeper.afterStep();
          const now = decodeSnapshot(diff.bytes.subarray(SNAPSHOT_AT))!;
          expect(now.splitSeq).toBe(3);
          for (let b = 0; b < BLOCKS; b++) {
            expect(bit(now.bits, b) <= bit(before, b)).toBe(true);
            if (!bit(now.bits, b)) expect([b, gen(svol, b)]).toEqual([b, image[b]]);
          }
          before = now.bits;
        }
        expect([m.w(W.S_STATE), ctl.ctx.diff.pending()]).toEqual([PS.SPLIT, 0]);
        for (let b = 0; b < BLOCKS; b++) expect([b, gen(svol, b)]).toEqual([b, image[b]]);
      }), { numRuns: 25 });
  });

  it('refuses to resume from a snapshot of another split, or with no split-pending pair', async () => {
    const image = Array.from({ length: BLOCKS }, () => 1), pending = Array.from({ length: BLOCKS }, (_, b) => b % 3 === 0);
    const a = await recovered(image, pending, 3, 2);
    expect(() => resumeSplitPending(a.ctl.ctx, a.meta, a.diff)).toThrow(/nothing to resume: the differential's record is not split 3's/);
    const b = await recovered(image, pending, 3);
    new MetadataJournal(b.meta, 7).commit({
      clean: false, inFlight: [],
      pairs: [{ pvol: 'pvol-601', svol: 'svol-602', blocks: BLOCKS, state516: 'suspended', state517: 'suspended', diff514: new Uint8Array(0), postSplit: new Uint8Array(0) }],
    });
    expect(() => resumeSplitPending(b.ctl.ctx, b.meta, b.diff)).toThrow(/nothing to resume: no split-pending pair/);
  });
});
