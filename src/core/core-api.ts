/**
 * The hot-path contract (docs/architecture.md#the-wasm-core): every function works on byte
 * offsets ("pointers") into one memory that TypeScript lays out; nothing allocates. Two
 * implementations honour it with identical results: the AssemblyScript core (wasm/) and a
 * plain TypeScript reference (reference.ts) that tests compare it against.
 *
 * Bitmaps (the inter-pair differential 514 and the post-split change bitmap,
 * docs/patent.md#parts): one bit per block, LSB-first inside little-endian 32-bit words. A
 * bitmap lives at a pointer `bm` where initBitmap() wrote its header; the header records
 * the bit count and where the word array and the summary level live, so every operation
 * keeps the summary in step. Ranges are half-open [start, end); an empty range
 * (start >= end) does nothing.
 */
export interface Core {
  /** The memory every pointer refers to (shared in the browser and in workers). */
  readonly memory: WebAssembly.Memory;
  /** 'wasm' or 'ref', for reports. */
  readonly kind: 'wasm' | 'ref';

  setRange(bm: number, start: number, end: number): void;
  clearRange(bm: number, start: number, end: number): void;
  /** 1 if the bit is set, else 0. */
  test(bm: number, bit: number): number;
  /** Number of set bits in [start, end). */
  count(bm: number, start: number, end: number): number;
  /** First set bit in [from, limit), or -1. */
  nextSet(bm: number, from: number, limit: number): number;
  /** First clear bit in [from, limit), or -1. */
  nextClear(bm: number, from: number, limit: number): number;
  /** Atomic single-bit set / clear; returns the bit's previous value (0 or 1). */
  atomicSet(bm: number, bit: number): number;
  atomicClear(bm: number, bit: number): number;
  /** Atomic range set / clear: concurrent callers on other bits lose no update. */
  atomicSetRange(bm: number, start: number, end: number): void;
  atomicClearRange(bm: number, start: number, end: number): void;

  /** memmove of len bytes. */
  copy(dst: number, src: number, len: number): void;
  /**
   * The staging merge of embodiment 3 (Figs. 8–9, docs/patent.md#embodiment-3-staging-merge):
   * for block i in [0, nBlocks), dst block i = pvol block i if bit (firstBit + i) of bm is
   * set (still pending: the split-instant data is only on the P-VOL side), else svol
   * block i. Runs of equal bits are copied as one move.
   */
  stagingMerge(
    bm: number, firstBit: number, nBlocks: number, blockBytes: number,
    pvol: number, svol: number, dst: number,
  ): void;
  /** Per-block checksum for verification (see wasm/checksum.ts for the choice), u32. */
  checksum(ptr: number, len: number): number;
}
