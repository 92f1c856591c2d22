/**
 * The core benchmark's measurements, one code for both places they run: Node
 * (tests/bench/core-bench.ts, `npm run bench:core`) and the browser (`npm run bench` reports
 * the same figures from Chromium), so the figures compare line by line.
 * Throughputs are GB/s = 1e9 bytes/s, best of `reps` runs after a warm-up, the same rule as
 * the C baseline (tests/bench/core-baseline.c). Browser-safe (no node:*); the C baseline is measured by the Node
 * harness and the ratios against it are computed there.
 */
import type { Core } from '../../src/core/core-api.ts';
import { createSharedMemory, CORE_RESERVED_BYTES } from '../../src/core/memory.ts';
import { bitmapBytes, initBitmap, readHeader } from '../../src/core/bitmap-layout.ts';
import { instantiateCore, instantiateExports } from '../../src/core/wasm-core.ts';
import { createRefCore } from '../../src/core/reference.ts';

const MIB = 1 << 20;
const BLOCK = 4096;
const HUGE_BITS = 1 << 26; // 16 TiB at 256 KiB tracks
const DIRTY = 0.0001; // 0.01%

export interface CoreFigures {
  scanGBps: number; scanRefGBps: number; nextSetSummaryGBps: number;
  copyGBps: number; copyRefGBps: number; mergeGBps: number; mergeRefGBps: number;
  checksumGBps: number; checksumRefGBps: number;
  summaryScanMs: number; summaryScanRefMs: number; summaryScanDirty: number; bytes: number;
  /** Runs of equal bits in the merge's bitmap (each run is one memory.copy). */
  mergeRuns: number;
}

/** Same generator and seed as core-bench.ts, so both scan the same dirty bits. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 2 ** 32; };
}

/** `mib` = 64 and `reps` = 15 are core-bench.ts's sizes; the smoke run passes less. */
export function measureCore(module: WebAssembly.Module, mib = 64, reps = 15): CoreFigures {
  const BYTES = mib * MIB;
  const SCAN_BITS = BYTES * 8;
  const bestMs = (fn: () => void, n = reps): number => {
    fn();
    let best = Infinity;
    for (let r = 0; r < n; r++) {
      const t0 = performance.now();
      fn();
      best = Math.min(best, performance.now() - t0);
    }
    // The page clock is coarsened (5 µs when isolated): never report a zero duration.
    return Math.max(best, 0.005);
  };
  const few = Math.min(3, reps);
  const scanBm = CORE_RESERVED_BYTES;
  const hugeBm = scanBm + bitmapBytes(SCAN_BITS);
  const src = Math.ceil((hugeBm + bitmapBytes(HUGE_BITS)) / 64) * 64;
  const dst = src + BYTES, stage = dst + BYTES;
  const memory = createSharedMemory(stage + BYTES);
  const wasm = instantiateCore(module, memory);
  const raw = instantiateExports(module, memory);
  const ref = createRefCore(memory);
  const bytes = new Uint8Array(memory.buffer);
  const rand = xorshift(0x5eed);
  for (let i = 0; i < BYTES; i += 4096) bytes.fill(rand() * 256, src + i, src + i + 4096);
  bytes.fill(0xa5, dst, dst + BYTES);

  initBitmap(memory, scanBm, SCAN_BITS);
  const words = readHeader(memory, scanBm).words;
  const scanMs = bestMs(() => { if (raw.scanWordsSet(words, 0, SCAN_BITS) !== -1) throw new Error('scan'); });
  const scanRefMs = bestMs(() => { if (ref.nextSet(scanBm, 0, SCAN_BITS) !== -1) throw new Error('scan'); }, few);
  const nextSetMs = bestMs(() => { if (wasm.nextSet(scanBm, 0, SCAN_BITS) !== -1) throw new Error('scan'); });

  const copyWith = (c: Core) => () => { for (let o = 0; o < BYTES; o += BLOCK) c.copy(dst + o, src + o, BLOCK); };
  const copyMs = bestMs(copyWith(wasm));
  const copyRefMs = bestMs(copyWith(ref), few);

  const mergeBlocks = BYTES / BLOCK;
  initBitmap(memory, scanBm, SCAN_BITS);
  for (let b = 0, on = false; b < mergeBlocks; on = !on) {
    const run = 1 + Math.floor(rand() * 15);
    if (on) wasm.setRange(scanBm, b, b + run);
    b += run;
  }
  const mergeWith = (c: Core) => () => c.stagingMerge(scanBm, 0, mergeBlocks, BLOCK, src, dst, stage);
  const mergeMs = bestMs(mergeWith(wasm));
  const mergeRefMs = bestMs(mergeWith(ref), few);
  const mergeRuns = countRuns(wasm, scanBm, mergeBlocks);

  const sumWith = (c: Core) => () => { for (let o = 0; o < BYTES; o += BLOCK) c.checksum(src + o, BLOCK); };
  const sumMs = bestMs(sumWith(wasm));
  const sumRefMs = bestMs(sumWith(ref), 1);

  initBitmap(memory, hugeBm, HUGE_BITS);
  const dirty = Math.round(HUGE_BITS * DIRTY);
  for (let i = 0; i < dirty; i++) wasm.atomicSet(hugeBm, Math.floor(rand() * HUGE_BITS));
  const setBits = wasm.count(hugeBm, 0, HUGE_BITS);
  const walk = (c: Core) => () => {
    let k = 0;
    for (let p = c.nextSet(hugeBm, 0, HUGE_BITS); p >= 0; p = c.nextSet(hugeBm, p + 1, HUGE_BITS)) k++;
    if (k !== setBits) throw new Error(`walk found ${k} of ${setBits}`);
  };
  const summaryScanMs = bestMs(walk(wasm));
  const summaryScanRefMs = bestMs(walk(ref), 1);

  const gbps = (ms: number) => BYTES / (ms * 1e6);
  return {
    scanGBps: gbps(scanMs), scanRefGBps: gbps(scanRefMs), nextSetSummaryGBps: gbps(nextSetMs),
    copyGBps: gbps(copyMs), copyRefGBps: gbps(copyRefMs), mergeGBps: gbps(mergeMs), mergeRefGBps: gbps(mergeRefMs),
    checksumGBps: gbps(sumMs), checksumRefGBps: gbps(sumRefMs),
    summaryScanMs, summaryScanRefMs, summaryScanDirty: setBits, bytes: BYTES, mergeRuns,
  };
}

function countRuns(c: Core, bm: number, n: number): number {
  let runs = 0;
  for (let p = 0; p < n; runs++) {
    const q = c.test(bm, p) ? c.nextClear(bm, p, n) : c.nextSet(bm, p, n);
    p = q < 0 ? n : q;
  }
  return runs;
}
