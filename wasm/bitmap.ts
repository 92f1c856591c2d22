// Bitmap operations over a header written by src/core/bitmap-layout.ts, keeping the summary
// (summary.ts) in step. Contract and semantics: src/core/core-api.ts. Arguments arrive as
// i32 from JavaScript; ranges are clamped to [0, nbits), out-of-range single bits are no-ops.
import {
  scanSet, scanClear, countBits, orBits, andNotBits, atomicAndNotBits, atomicOrBits,
} from './bits';
import {
  hBits, hWords, summarySet, summaryAtomicSet, summaryClear, summaryNextSet,
} from './summary';

@inline function clampBits(x: i32, n: u32): u32 {
  return x < 0 ? 0 : (<u32>x > n ? n : <u32>x);
}

/** Sets [start, end). Single writer: not safe against concurrent writers of the same words. */
export function setRange(bm: usize, start: i32, end: i32): void {
  const n = hBits(bm), s = clampBits(start, n), e = clampBits(end, n);
  if (s >= e) return;
  orBits(hWords(bm), s, e);
  summarySet(bm, s, e);
}

/** Clears [start, end) and makes the touched summary bits exact. Single writer. */
export function clearRange(bm: usize, start: i32, end: i32): void {
  const n = hBits(bm), s = clampBits(start, n), e = clampBits(end, n);
  if (s >= e) return;
  andNotBits(hWords(bm), s, e);
  summaryClear(bm, s, e);
}

export function test(bm: usize, bit: i32): i32 {
  if (bit < 0 || <u32>bit >= hBits(bm)) return 0;
  return <i32>((load<u32>(hWords(bm) + (<usize>(<u32>bit >>> 5) << 2)) >>> (<u32>bit & 31)) & 1);
}

export function count(bm: usize, start: i32, end: i32): i32 {
  const n = hBits(bm), s = clampBits(start, n), e = clampBits(end, n);
  if (s >= e) return 0;
  return countBits(hWords(bm), s, e);
}

/** First set bit in [from, limit), or -1, skipping clean lanes by the summary. */
export function nextSet(bm: usize, from: i32, limit: i32): i32 {
  const n = hBits(bm), s = clampBits(from, n), e = clampBits(limit, n);
  if (s >= e) return -1;
  return summaryNextSet(bm, s, e);
}

/** First clear bit in [from, limit), or -1 (a flat SIMD scan: the summary cannot help here). */
export function nextClear(bm: usize, from: i32, limit: i32): i32 {
  const n = hBits(bm), s = clampBits(from, n), e = clampBits(limit, n);
  if (s >= e) return -1;
  return scanClear(hWords(bm), s, e);
}

/**
 * Atomic single-bit set (501 marking a block dirty while 508 clears others after copying):
 * i32.atomic.rmw.or on the word, then the summary bit, so a scan that finds the summary
 * bit finds the word. Returns the previous value of the bit.
 */
export function atomicSet(bm: usize, bit: i32): i32 {
  if (bit < 0 || <u32>bit >= hBits(bm)) return 0;
  const b = <u32>bit, m: u32 = 1 << (b & 31);
  const old = atomic.or<u32>(hWords(bm) + (<usize>(b >>> 5) << 2), m);
  summaryAtomicSet(bm, b, b + 1);
  return (old & m) != 0 ? 1 : 0;
}

/**
 * Atomic single-bit clear. The summary bit is left alone: clearing it could race with a
 * concurrent set of another bit in the lane and hide that bit; a stale summary bit only
 * costs one lane test in a scan (bitmap-layout.ts, summary rule).
 */
export function atomicClear(bm: usize, bit: i32): i32 {
  if (bit < 0 || <u32>bit >= hBits(bm)) return 0;
  const b = <u32>bit, m: u32 = 1 << (b & 31);
  const old = atomic.and<u32>(hWords(bm) + (<usize>(b >>> 5) << 2), ~m);
  return (old & m) != 0 ? 1 : 0;
}

export function atomicSetRange(bm: usize, start: i32, end: i32): void {
  const n = hBits(bm), s = clampBits(start, n), e = clampBits(end, n);
  if (s >= e) return;
  atomicOrBits(hWords(bm), s, e, false);
  summaryAtomicSet(bm, s, e);
}

export function atomicClearRange(bm: usize, start: i32, end: i32): void {
  const n = hBits(bm), s = clampBits(start, n), e = clampBits(end, n);
  if (s >= e) return;
  atomicAndNotBits(hWords(bm), s, e);
}

/** The raw SIMD scans over a word array (no header, no summary), for benchmarks. */
export function scanWordsSet(words: usize, from: i32, limit: i32): i32 {
  return scanSet(words, <u32>from, <u32>limit);
}
export function scanWordsClear(words: usize, from: i32, limit: i32): i32 {
  return scanClear(words, <u32>from, <u32>limit);
}
