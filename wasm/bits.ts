// Word-array primitives shared by the bitmap and its summary (src/core/bitmap-layout.ts):
// a "word array" is u32 words at `base`, bit i is bit (i & 31) of word (i >> 5), LSB first.
// Ranges are half-open [s, e) with 0 <= s < e; callers clamp. Nothing here allocates.

/** Mask of the bits at and above s & 31 in s's word. */
@inline export function maskFrom(s: u32): u32 {
  return <u32>-1 << (s & 31);
}

/** Mask of the bits at and below (e - 1) & 31 in the word of bit e - 1. */
@inline export function maskTo(e: u32): u32 {
  return <u32>-1 >>> (31 - ((e - 1) & 31));
}

@inline function wordAt(base: usize, w: u32): usize {
  return base + (<usize>w << 2);
}

/** Sets [s, e): edge words by mask, the middle by memory.fill. */
export function orBits(base: usize, s: u32, e: u32): void {
  const ws = s >>> 5, we = (e - 1) >>> 5;
  if (ws == we) {
    store<u32>(wordAt(base, ws), load<u32>(wordAt(base, ws)) | (maskFrom(s) & maskTo(e)));
    return;
  }
  store<u32>(wordAt(base, ws), load<u32>(wordAt(base, ws)) | maskFrom(s));
  memory.fill(wordAt(base, ws + 1), 0xff, <usize>(we - ws - 1) << 2);
  store<u32>(wordAt(base, we), load<u32>(wordAt(base, we)) | maskTo(e));
}

/** Clears [s, e). */
export function andNotBits(base: usize, s: u32, e: u32): void {
  const ws = s >>> 5, we = (e - 1) >>> 5;
  if (ws == we) {
    store<u32>(wordAt(base, ws), load<u32>(wordAt(base, ws)) & ~(maskFrom(s) & maskTo(e)));
    return;
  }
  store<u32>(wordAt(base, ws), load<u32>(wordAt(base, ws)) & ~maskFrom(s));
  memory.fill(wordAt(base, ws + 1), 0, <usize>(we - ws - 1) << 2);
  store<u32>(wordAt(base, we), load<u32>(wordAt(base, we)) & ~maskTo(e));
}

/**
 * Atomic set of [s, e): one wasm i32.atomic.rmw.or per word, so another processor setting
 * or clearing other bits of the same word loses nothing. `skipIfSet` first reads the word
 * and skips the read-modify-write when all the bits are already there (the summary case:
 * its words are shared by thousands of blocks, and an idle cache line stays shared).
 */
export function atomicOrBits(base: usize, s: u32, e: u32, skipIfSet: bool): void {
  const ws = s >>> 5, we = (e - 1) >>> 5;
  for (let w = ws; w <= we; w++) {
    let m: u32 = <u32>-1;
    if (w == ws) m &= maskFrom(s);
    if (w == we) m &= maskTo(e);
    const p = wordAt(base, w);
    if (skipIfSet && (atomic.load<u32>(p) & m) == m) continue;
    atomic.or<u32>(p, m);
  }
}

/** Atomic clear of [s, e): one i32.atomic.rmw.and per word. */
export function atomicAndNotBits(base: usize, s: u32, e: u32): void {
  const ws = s >>> 5, we = (e - 1) >>> 5;
  for (let w = ws; w <= we; w++) {
    let m: u32 = <u32>-1;
    if (w == ws) m &= maskFrom(s);
    if (w == we) m &= maskTo(e);
    atomic.and<u32>(wordAt(base, w), ~m);
  }
}

@inline function found(w: u32, x: u32, limit: u32): i32 {
  const r = (w << 5) + ctz(x);
  return r < limit ? <i32>r : -1;
}

/**
 * First set bit in [from, limit), or -1. The SIMD loop of the hot path: skip zero
 * 128-bit lanes (four at a time, 64 bytes per test), then ctz on the word that has a bit.
 */
export function scanSet(base: usize, from: u32, limit: u32): i32 {
  if (from >= limit) return -1;
  let w = from >>> 5;
  const wEnd = ((limit - 1) >>> 5) + 1;
  let x = load<u32>(wordAt(base, w)) & maskFrom(from);
  if (x) return found(w, x, limit);
  w++;
  // Scalar words up to a 16-byte boundary (word arrays start 16-byte aligned).
  while (w < wEnd && (w & 3)) {
    x = load<u32>(wordAt(base, w));
    if (x) return found(w, x, limit);
    w++;
  }
  // Four lanes per step; on a hit fall through to the word loop, which finds it within 16.
  while (w + 16 <= wEnd) {
    const p = wordAt(base, w);
    const v = v128.or(
      v128.or(v128.load(p), v128.load(p, 16)),
      v128.or(v128.load(p, 32), v128.load(p, 48)),
    );
    if (v128.any_true(v)) break;
    w += 16;
  }
  while (w < wEnd) {
    x = load<u32>(wordAt(base, w));
    if (x) return found(w, x, limit);
    w++;
  }
  return -1;
}

/** First clear bit in [from, limit), or -1: scanSet on the complement (all-ones lanes skipped). */
export function scanClear(base: usize, from: u32, limit: u32): i32 {
  if (from >= limit) return -1;
  let w = from >>> 5;
  const wEnd = ((limit - 1) >>> 5) + 1;
  let x = ~load<u32>(wordAt(base, w)) & maskFrom(from);
  if (x) return found(w, x, limit);
  w++;
  while (w < wEnd && (w & 3)) {
    x = ~load<u32>(wordAt(base, w));
    if (x) return found(w, x, limit);
    w++;
  }
  while (w + 16 <= wEnd) {
    const p = wordAt(base, w);
    const v = v128.and(
      v128.and(v128.load(p), v128.load(p, 16)),
      v128.and(v128.load(p, 32), v128.load(p, 48)),
    );
    if (v128.any_true(v128.not(v))) break;
    w += 16;
  }
  while (w < wEnd) {
    x = ~load<u32>(wordAt(base, w));
    if (x) return found(w, x, limit);
    w++;
  }
  return -1;
}

/** Set bits in [s, e): 64-bit popcnt over the middle. */
export function countBits(base: usize, s: u32, e: u32): i32 {
  const ws = s >>> 5, we = (e - 1) >>> 5;
  if (ws == we) return <i32>popcnt(load<u32>(wordAt(base, ws)) & maskFrom(s) & maskTo(e));
  let n: u32 = popcnt(load<u32>(wordAt(base, ws)) & maskFrom(s));
  n += popcnt(load<u32>(wordAt(base, we)) & maskTo(e));
  let w = ws + 1;
  if ((w & 1) && w < we) { n += popcnt(load<u32>(wordAt(base, w))); w++; }
  while (w + 2 <= we) { n += <u32>popcnt(load<u64>(wordAt(base, w))); w += 2; }
  while (w < we) { n += popcnt(load<u32>(wordAt(base, w))); w++; }
  return <i32>n;
}
