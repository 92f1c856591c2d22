/**
 * Plain TypeScript reference of the core (docs/architecture.md#the-wasm-core: every WASM
 * function has one; tests compare them on random inputs, benchmarks report both). Written for
 * obviousness, not speed: word-at-a-time loops over typed-array views, Atomics for the
 * atomic operations. Its scans ignore the summary (a correct answer must not depend on it),
 * while its writes keep the summary exactly as the WASM core does, so the two leave
 * byte-identical memory behind (bitmap-layout.ts states the summary rule).
 */
import type { Core } from './core-api.ts';
import { LANE_BITS } from './bitmap-layout.ts';

const ALL = 0xffffffff;

/** Bit mask of word `w` covered by [s, e) (bits numbered from the word array's start). */
function wordMask(w: number, s: number, e: number): number {
  const lo = Math.max(s - w * 32, 0);
  const hi = Math.min(e - w * 32, 32);
  if (hi - lo === 32) return ALL;
  return (((1 << (hi - lo)) - 1) << lo) >>> 0;
}

/** Applies `op` to every word of a u32 array `base` (word index) touched by [s, e). */
function eachWord(s: number, e: number, op: (w: number, mask: number) => void): void {
  for (let w = s >>> 5; w <= (e - 1) >>> 5; w++) op(w, wordMask(w, s, e));
}

export function createRefCore(memory: WebAssembly.Memory): Core {
  let buf: ArrayBufferLike | null = null;
  let u32 = new Uint32Array(0);
  let u8 = new Uint8Array(0);
  /** Views are rebuilt when the memory has grown (a grown memory has a new buffer). */
  const views = (): Uint32Array => {
    if (memory.buffer !== buf) {
      buf = memory.buffer;
      u32 = new Uint32Array(buf);
      u8 = new Uint8Array(buf);
    }
    return u32;
  };
  const hdr = (bm: number) => {
    const v = views();
    const i = bm >>> 2;
    return { nbits: v[i], words: v[i + 1] >>> 2, summary: v[i + 2] >>> 2 };
  };
  const clamp = (x: number, n: number) => Math.min(Math.max(x, 0), n);
  const bitOf = (v: Uint32Array, base: number, bit: number) => (v[base + (bit >>> 5)] >>> (bit & 31)) & 1;
  const laneNonZero = (v: Uint32Array, words: number, lane: number) =>
    (v[words + lane * 4] | v[words + lane * 4 + 1] | v[words + lane * 4 + 2] | v[words + lane * 4 + 3]) !== 0;

  /** First index in [from, limit) of a u32 array whose bit equals `want`, or -1. */
  const scan = (base: number, from: number, limit: number, want: 0 | 1): number => {
    const v = views();
    if (from >= limit) return -1;
    const flip = want ? 0 : ALL;
    const first = from >>> 5, last = (limit - 1) >>> 5;
    for (let w = first; w <= last; w++) {
      let x = (v[base + w] ^ flip) >>> 0;
      if (x === 0) continue;
      if (w === first || w === last) x = (x & wordMask(w, from, limit)) >>> 0; // edge words only
      if (x !== 0) return w * 32 + (31 - Math.clz32(x & -x));
    }
    return -1;
  };

  const core: Core = {
    memory,
    kind: 'ref',

    setRange(bm, start, end) {
      const h = hdr(bm);
      const s = clamp(start, h.nbits), e = clamp(end, h.nbits);
      if (s >= e) return;
      const v = views();
      eachWord(s, e, (w, m) => { v[h.words + w] = (v[h.words + w] | m) >>> 0; });
      eachWord(s >>> 7, ((e - 1) >>> 7) + 1, (w, m) => { v[h.summary + w] = (v[h.summary + w] | m) >>> 0; });
    },

    clearRange(bm, start, end) {
      const h = hdr(bm);
      const s = clamp(start, h.nbits), e = clamp(end, h.nbits);
      if (s >= e) return;
      const v = views();
      eachWord(s, e, (w, m) => { v[h.words + w] = (v[h.words + w] & ~m) >>> 0; });
      // The non-atomic clear makes every summary bit it touches exact again.
      for (let lane = Math.floor(s / LANE_BITS); lane <= Math.floor((e - 1) / LANE_BITS); lane++) {
        const m = 1 << (lane & 31), i = h.summary + (lane >>> 5);
        v[i] = (laneNonZero(v, h.words, lane) ? v[i] | m : v[i] & ~m) >>> 0;
      }
    },

    test(bm, bit) {
      const h = hdr(bm);
      if (bit < 0 || bit >= h.nbits) return 0;
      return bitOf(views(), h.words, bit);
    },

    count(bm, start, end) {
      const h = hdr(bm);
      const s = clamp(start, h.nbits), e = clamp(end, h.nbits);
      if (s >= e) return 0;
      const v = views();
      let n = 0;
      eachWord(s, e, (w, m) => {
        let x = (v[h.words + w] & m) >>> 0;
        while (x !== 0) { x = (x & (x - 1)) >>> 0; n++; }
      });
      return n;
    },

    nextSet(bm, from, limit) {
      const h = hdr(bm);
      return scan(h.words, Math.max(from, 0), Math.min(limit, h.nbits), 1);
    },

    nextClear(bm, from, limit) {
      const h = hdr(bm);
      return scan(h.words, Math.max(from, 0), Math.min(limit, h.nbits), 0);
    },

    atomicSet(bm, bit) {
      const h = hdr(bm);
      if (bit < 0 || bit >= h.nbits) return 0;
      const v = views();
      const m = (1 << (bit & 31)) >>> 0;
      const old = Atomics.or(v, h.words + (bit >>> 5), m);
      // Word first, then summary: a scan that sees the summary bit also sees the word.
      const lane = bit >>> 7, sm = (1 << (lane & 31)) >>> 0, si = h.summary + (lane >>> 5);
      if ((Atomics.load(v, si) & sm) === 0) Atomics.or(v, si, sm);
      return (old & m) !== 0 ? 1 : 0;
    },

    atomicClear(bm, bit) {
      const h = hdr(bm);
      if (bit < 0 || bit >= h.nbits) return 0;
      const m = (1 << (bit & 31)) >>> 0;
      const old = Atomics.and(views(), h.words + (bit >>> 5), ~m);
      return (old & m) !== 0 ? 1 : 0; // summary left as is: stale is allowed, missing is not
    },

    atomicSetRange(bm, start, end) {
      const h = hdr(bm);
      const s = clamp(start, h.nbits), e = clamp(end, h.nbits);
      if (s >= e) return;
      const v = views();
      eachWord(s, e, (w, m) => { Atomics.or(v, h.words + w, m); });
      eachWord(s >>> 7, ((e - 1) >>> 7) + 1, (w, m) => {
        if ((Atomics.load(v, h.summary + w) & m) !== m) Atomics.or(v, h.summary + w, m);
      });
    },

    atomicClearRange(bm, start, end) {
      const h = hdr(bm);
      const s = clamp(start, h.nbits), e = clamp(end, h.nbits);
      if (s >= e) return;
      const v = views();
      eachWord(s, e, (w, m) => { Atomics.and(v, h.words + w, ~m); });
    },

    copy(dst, src, len) {
      if (len <= 0) return;
      views();
      u8.copyWithin(dst, src, src + len);
    },

    stagingMerge(bm, firstBit, nBlocks, blockBytes, pvol, svol, dst) {
      const h = hdr(bm);
      const v = views();
      // Bits past the bitmap's end read as clear: those blocks come from the S-VOL.
      const pending = (i: number) => firstBit + i < h.nbits && bitOf(v, h.words, firstBit + i) === 1;
      let i = 0;
      while (i < nBlocks) {
        const p = pending(i);
        let j = i + 1;
        while (j < nBlocks && pending(j) === p) j++;
        const off = i * blockBytes;
        u8.copyWithin(dst + off, (p ? pvol : svol) + off, (p ? pvol : svol) + j * blockBytes);
        i = j;
      }
    },

    checksum(ptr, len) {
      views();
      let c = ALL;
      for (let i = 0; i < len; i++) c = (CRC_TABLE[(c ^ u8[ptr + i]) & 0xff] ^ (c >>> 8)) >>> 0;
      return (c ^ ALL) >>> 0;
    },
  };
  return core;
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one byte at a time (RFC 3720 §12.1). */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
