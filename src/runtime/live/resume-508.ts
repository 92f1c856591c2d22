/**
 * The array runs again on what a recovery left (docs/live.md#recovery): a pair that came
 * back split-pending, its 514 rebuilt from its own record (recovery-514.ts), is put back into
 * 507 as it was, and 508's background copy carries on from there to split (§0026: 508 copies
 * on its own) — no volume is seeded, nothing is copied again that is already on the S-VOL.
 *
 * The recovery's own record is the one to continue: the new records go on from its sequence
 * (or the older record, higher numbered, would win the next recovery), and the snapshot of
 * 514 must name the split the record names, or there is nothing to resume.
 */
import type { Ctx } from '../../array/context.ts';
import { W } from '../../array/memory-507.ts';
import { PS } from '../../array/pair-state.ts';
import { readDiffFile, type DiffFile } from './differential-514-store.ts';
import { recoverMetadata, type SlotStore } from './metadata-journal.ts';

export interface Resumed { splitSeq: number; pending: number; metaSeq: number }

export function resumeSplitPending(ctx: Ctx, meta: SlotStore, file: DiffFile): Resumed {
  const r = recoverMetadata(meta);
  const p = r.pairs[0];
  if (!p || p.state517 !== 'split-pending' || p.splitSeq === undefined) {
    throw new Error('nothing to resume: no split-pending pair in the recovered record (run recovery first)');
  }
  const { snapshot } = readDiffFile(file);
  if (!snapshot || snapshot.splitSeq !== p.splitSeq || snapshot.blocks !== ctx.m.L.blocks) {
    throw new Error(`nothing to resume: the differential's record is not split ${p.splitSeq}'s`);
  }
  const { m, diff } = ctx;
  diff.clearAll();
  // 514 as recovered, run by run; the post-split bitmap was never saved: all dirty (the
  // next resync copies every block, which is never wrong).
  for (let b = 0; b < snapshot.blocks; ) {
    if (!((snapshot.bits[b >> 3] >> (b & 7)) & 1)) { b++; continue; }
    let e = b + 1;
    while (e < snapshot.blocks && (snapshot.bits[e >> 3] >> (e & 7)) & 1) e++;
    diff.markDiff(b, e - b);
    b = e;
  }
  diff.markPost(0, snapshot.blocks);
  m.setW(W.SPLIT_SEQ, p.splitSeq);
  m.setW(W.PENDING_AT_SPLIT, diff.pending());
  m.setW(W.P_STATE, PS.SPLIT);
  m.setW(W.S_STATE, diff.pending() > 0 ? PS.SPLIT_PENDING : PS.SPLIT);
  return { splitSeq: p.splitSeq, pending: diff.pending(), metaSeq: r.sequence };
}
