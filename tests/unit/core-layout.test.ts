// The memory and bitmap layout helpers other parts build on (src/core/memory.ts,
// src/core/bitmap-layout.ts).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createSharedMemory, ensureBytes, CORE_RESERVED_BYTES, PAGE_BYTES } from '../../src/core/memory.ts';
import { bitmapBytes, initBitmap, readHeader } from '../../src/core/bitmap-layout.ts';

describe('core layout', () => {
  it('bitmapBytes is a multiple of 16 holding header, words and a vector-padded summary', () => {
    fc.assert(fc.property(fc.nat(1 << 30), (n) => {
      const b = bitmapBytes(n);
      const lanes = Math.ceil(n / 128);
      expect(b % 16).toBe(0);
      expect(b).toBeGreaterThanOrEqual(16 + lanes * 16 + Math.ceil(lanes / 8));
      expect(b).toBeLessThanOrEqual(16 + lanes * 16 + Math.ceil(lanes / 8) + 16);
    }));
    expect(() => bitmapBytes(-1)).toThrow(RangeError);
    expect(() => bitmapBytes(2 ** 31)).toThrow(RangeError);
  });

  it('initBitmap writes the documented header and zeroes words and summary', () => {
    const mem = createSharedMemory(CORE_RESERVED_BYTES + 65536);
    const at = CORE_RESERVED_BYTES + 32;
    const n = 1000;
    new Uint8Array(mem.buffer).fill(0xab, at, at + bitmapBytes(n) + 16);
    initBitmap(mem, at, n);
    expect(readHeader(mem, at)).toEqual({ nbits: n, words: at + 16, summary: at + 16 + 8 * 16, lanes: 8 });
    const body = new Uint8Array(mem.buffer, at + 16, bitmapBytes(n) - 16);
    expect(body.every((x) => x === 0)).toBe(true);
    expect(new Uint8Array(mem.buffer)[at + bitmapBytes(n)]).toBe(0xab); // nothing past its bytes
    expect(() => initBitmap(mem, at + 4, n)).toThrow(RangeError);
    expect(() => initBitmap(mem, mem.buffer.byteLength - 16, n)).toThrow(RangeError);
  });

  it('createSharedMemory and ensureBytes give shared memory of at least the bytes asked', () => {
    const mem = createSharedMemory(PAGE_BYTES + 1);
    expect(mem.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(mem.buffer.byteLength).toBe(2 * PAGE_BYTES);
    ensureBytes(mem, PAGE_BYTES);
    expect(mem.buffer.byteLength).toBe(2 * PAGE_BYTES);
    ensureBytes(mem, 5 * PAGE_BYTES - 3);
    expect(mem.buffer.byteLength).toBe(5 * PAGE_BYTES);
  });
});
