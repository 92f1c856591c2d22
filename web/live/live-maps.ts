/**
 * What the playground draws of a running live run, read straight from shared memory 507
 * (src/array/memory-507.ts): the pair states 516/517, the two bitmaps as bucket counts (not
 * the bitmaps themselves), the copy counters and the backup's progress in 511. Reads are
 * racy on purpose (a picture, not a check): each word is read once, atomically.
 */
import { B, W } from '../../src/array/memory-507.ts';
import { PAIR_STATES } from '../../src/array/pair-state.ts';
import { BITMAP_HEADER_BYTES } from '../../src/core/bitmap-layout.ts';
import type { LiveLayout } from '../../src/runtime/live/live-layout.ts';
import { bucketCounts } from './bit-buckets.ts';

/** Cells of the playground's heat map (web/components/bitmap-heatmap.tsx). */
const MAX_BUCKETS = 2048;

export interface LiveArrayState {
  p516: string;
  s517: string;
  blocks: number;
  pending: number;
  post: number;
  pendingAtSplit: number;
  diff: { blocksPerBucket: number; counts: Uint32Array };
  postMap: { blocksPerBucket: number; counts: Uint32Array };
  copies: { cow: number; priority: number; background: number; stagedFromPvol: number };
  backupBlocksDone: number;
}

export function readArrayState(memory: WebAssembly.Memory, lay: LiveLayout): LiveArrayState {
  const { L } = lay;
  const i32 = new Int32Array(memory.buffer);
  const w = (i: number) => Atomics.load(i32, (L.control >> 2) + i);
  const swapped = w(W.DIFF_ROLE) !== 0;
  const bits = (at: number) => new Uint8Array(memory.buffer, at + BITMAP_HEADER_BYTES, Math.ceil(L.blocks / 8));
  const d = bucketCounts(bits(swapped ? L.bmB : L.bmA), L.blocks, MAX_BUCKETS);
  const p = bucketCounts(bits(swapped ? L.bmA : L.bmB), L.blocks, MAX_BUCKETS);
  return {
    p516: PAIR_STATES[w(W.P_STATE)] ?? '?',
    s517: PAIR_STATES[w(W.S_STATE)] ?? '?',
    blocks: L.blocks,
    pending: w(W.PENDING), post: w(W.POST), pendingAtSplit: w(W.PENDING_AT_SPLIT),
    diff: d, postMap: p,
    copies: { cow: w(W.COW_COPIES), priority: w(W.PRIORITY_COPIES), background: w(W.BG_COPIES), stagedFromPvol: w(W.STAGED_FROM_PVOL) },
    backupBlocksDone: Atomics.load(i32, (L.p511 >> 2) + B.BLOCKS_DONE),
  };
}
