/**
 * Layout of one bitmap in shared memory (the inter-pair differential 514 and the post-split
 * change bitmap, docs/patent.md#pair-states and #the-point-in-time-rule).
 *
 * At a 16-byte aligned byte offset `at`, initBitmap() writes (all u32, little-endian):
 *   at+0   nbits     number of bits (blocks/tracks); at most 2^31 - 1
 *   at+4   words     absolute byte offset of the word array (= at + 16)
 *   at+8   summary   absolute byte offset of the summary array
 *   at+12  lanes     number of 128-bit lanes = number of summary bits = ceil(nbits / 128)
 * then the words: lanes × 4 u32 words, bit i is bit (i & 31) of word (i >> 5), LSB first;
 * bits at and past nbits (padding) are always 0, so scans never need a tail mask;
 * then the summary: one bit per 128-bit lane (LSB first in u32 words), padded to a multiple
 * of 4 words so it can itself be scanned 128 bits at a time.
 *
 * Summary rule: a lane that holds a set bit always has its summary bit set (once the
 * operation that set it has returned). The converse may fail: a summary bit may be stale
 * (set over an all-zero lane) because the atomic clears never clear summary bits; only the
 * non-atomic clearRange() (single writer) recomputes them. Scans therefore skip clean lanes
 * by the summary, and pay for a stale lane with one 16-byte check.
 */

export const BITMAP_HEADER_BYTES = 16;
/** Bits covered by one summary bit: one SIMD lane of 128 bits. */
export const LANE_BITS = 128;
/** Largest bitmap: bit numbers and the -1 "none" answer must fit an i32. */
export const MAX_BITS = 0x7fffffff;

export interface BitmapHeader {
  nbits: number;
  words: number;
  summary: number;
  lanes: number;
}

export function laneCount(nbits: number): number {
  return Math.ceil(nbits / LANE_BITS);
}

/** u32 words of the summary array, padded to whole 16-byte vectors. */
export function summaryWords(lanes: number): number {
  return Math.ceil(lanes / LANE_BITS) * 4;
}

/** Bytes for header + words + summary; a multiple of 16. */
export function bitmapBytes(nbits: number): number {
  checkBits(nbits);
  const lanes = laneCount(nbits);
  return BITMAP_HEADER_BYTES + lanes * 16 + summaryWords(lanes) * 4;
}

/** Writes the header at `at` and zeroes the words and the summary. */
export function initBitmap(memory: WebAssembly.Memory, at: number, nbits: number): void {
  checkBits(nbits);
  if (!Number.isInteger(at) || at < 0 || at % 16 !== 0) {
    throw new RangeError(`bitmap offset ${at} is not 16-byte aligned`);
  }
  const bytes = bitmapBytes(nbits);
  if (at + bytes > memory.buffer.byteLength) {
    throw new RangeError(`bitmap of ${bytes} bytes at ${at} exceeds memory`);
  }
  const lanes = laneCount(nbits);
  new Uint8Array(memory.buffer, at, bytes).fill(0);
  const h = new Uint32Array(memory.buffer, at, 4);
  h[0] = nbits;
  h[1] = at + BITMAP_HEADER_BYTES;
  h[2] = at + BITMAP_HEADER_BYTES + lanes * 16;
  h[3] = lanes;
}

export function readHeader(memory: WebAssembly.Memory, at: number): BitmapHeader {
  const h = new Uint32Array(memory.buffer, at, 4);
  return { nbits: h[0], words: h[1], summary: h[2], lanes: h[3] };
}

function checkBits(nbits: number): void {
  if (!Number.isInteger(nbits) || nbits < 0 || nbits > MAX_BITS) {
    throw new RangeError(`bitmap of ${nbits} bits: need an integer in [0, 2^31 - 1]`);
  }
}
