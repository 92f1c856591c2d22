// The summary level of a bitmap (src/core/bitmap-layout.ts): one bit per 128-bit lane, so
// finding the next dirty block of a huge, mostly clean differential 514 costs time in
// proportion to the dirty part (the benchmark's target: 2^26 bits, 0.01% dirty, under 1 ms).
import { orBits, andNotBits, atomicOrBits, scanSet } from './bits';

/** Header fields (bitmap-layout.ts): bit count, word array, summary array. */
@inline export function hBits(bm: usize): u32 { return load<u32>(bm, 0); }
@inline export function hWords(bm: usize): usize { return <usize>load<u32>(bm, 4); }
@inline export function hSummary(bm: usize): usize { return <usize>load<u32>(bm, 8); }

@inline function laneNonZero(words: usize, lane: u32): bool {
  return v128.any_true(v128.load(words + (<usize>lane << 4)));
}

/** After a (non-atomic) set of bits [s, e): mark their lanes. */
export function summarySet(bm: usize, s: u32, e: u32): void {
  orBits(hSummary(bm), s >>> 7, ((e - 1) >>> 7) + 1);
}

/** After an atomic set of bits [s, e): mark their lanes, atomically, after the words. */
export function summaryAtomicSet(bm: usize, s: u32, e: u32): void {
  atomicOrBits(hSummary(bm), s >>> 7, ((e - 1) >>> 7) + 1, true);
}

/**
 * After a non-atomic clear of [s, e): the lanes wholly inside are now zero, so their bits
 * go; the two edge lanes keep their bit only if they still hold a set bit. This makes every
 * touched summary bit exact again (stale bits left by atomic clears are cleaned here).
 */
export function summaryClear(bm: usize, s: u32, e: u32): void {
  const words = hWords(bm), sum = hSummary(bm);
  const l0 = s >>> 7, l1 = (e - 1) >>> 7;
  andNotBits(sum, l0, l1 + 1);
  if (laneNonZero(words, l0)) orBits(sum, l0, l0 + 1);
  if (l1 != l0 && laneNonZero(words, l1)) orBits(sum, l1, l1 + 1);
}

/**
 * First set bit in [from, limit) using the summary: the lane holding `from` is checked
 * directly, then scanSet over the summary jumps from candidate lane to candidate lane; a
 * stale lane costs one 16-byte test. Correct with any summary that obeys the rule "a lane
 * with a set bit has its summary bit".
 */
export function summaryNextSet(bm: usize, from: u32, limit: u32): i32 {
  const words = hWords(bm), sum = hSummary(bm);
  let lane = from >>> 7;
  const laneEnd = ((limit - 1) >>> 7) + 1;
  let edge = (lane + 1) << 7;
  let r = scanSet(words, from, edge < limit ? edge : limit);
  if (r >= 0) return r;
  lane++;
  while (lane < laneEnd) {
    const c = scanSet(sum, lane, laneEnd);
    if (c < 0) return -1;
    lane = <u32>c;
    if (laneNonZero(words, lane)) {
      const s = lane << 7;
      edge = s + 128;
      return scanSet(words, s, edge < limit ? edge : limit);
    }
    lane++;
  }
  return -1;
}
