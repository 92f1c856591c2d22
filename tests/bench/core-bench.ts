/**
 * Benchmark of the core (issue 3; not a test: it reports figures and ratios, asserts
 * nothing). Run through `npm run bench:core` (bin/bench-core.js); `--json` prints one JSON
 * object instead of the table. Throughputs are GB/s = 1e9 bytes/s, best of REPS runs after
 * a warm-up, the same rule as the C baseline (core-baseline.c).
 */
import { performance } from 'node:perf_hooks';
import type { Core } from '../../src/core/core-api.ts';
import { createSharedMemory, CORE_RESERVED_BYTES } from '../../src/core/memory.ts';
import { bitmapBytes, initBitmap, readHeader } from '../../src/core/bitmap-layout.ts';
import { loadCoreModuleNode } from '../../src/core/load-node.ts';
import { instantiateCore, instantiateExports } from '../../src/core/wasm-core.ts';
import { createRefCore } from '../../src/core/reference.ts';
import { runCBaseline } from './core-baseline-node.ts';

const MIB = 1 << 20;
const BYTES = 64 * MIB;
const BLOCK = 4096;
const REPS = 15;
const SCAN_BITS = BYTES * 8; // a 64 MiB all-zero bitmap: 2^29 bits
const HUGE_BITS = 1 << 26; // 16 TiB at 256 KiB tracks
const DIRTY = 0.0001; // 0.01%

/** Best of REPS timed runs (ms) of `fn` after one warm-up. */
function bestMs(fn: () => void, reps = REPS): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
const gbps = (bytes: number, ms: number) => bytes / (ms * 1e6);
const round = (x: number | null, d = 2) => (x === null ? null : Number(x.toFixed(d)));

/** A small seeded generator, so every run scans the same dirty bits. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 2 ** 32; };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  // Memory map: scan bitmap | huge bitmap | src/P-VOL | dst/S-VOL | staging, 64-byte aligned.
  const scanBm = CORE_RESERVED_BYTES;
  const hugeBm = scanBm + bitmapBytes(SCAN_BITS);
  const src = Math.ceil((hugeBm + bitmapBytes(HUGE_BITS)) / 64) * 64;
  const dst = src + BYTES, stage = dst + BYTES;
  const memory = createSharedMemory(stage + BYTES);
  const module = await loadCoreModuleNode();
  const wasm = instantiateCore(module, memory);
  const raw = instantiateExports(module, memory);
  const ref = createRefCore(memory);
  const bytes = new Uint8Array(memory.buffer);
  const rand = xorshift(0x5eed);
  for (let i = 0; i < BYTES; i += 4096) bytes.fill(rand() * 256, src + i, src + i + 4096);
  bytes.fill(0xa5, dst, dst + BYTES);

  // Scan: the flat SIMD word scan vs the reference's word loop over the same zero bitmap.
  initBitmap(memory, scanBm, SCAN_BITS);
  const words = readHeader(memory, scanBm).words;
  const scanMs = bestMs(() => { if (raw.scanWordsSet(words, 0, SCAN_BITS) !== -1) throw new Error('scan'); });
  const scanRefMs = bestMs(() => { if (ref.nextSet(scanBm, 0, SCAN_BITS) !== -1) throw new Error('scan'); }, 3);
  const nextSetMs = bestMs(() => { if (wasm.nextSet(scanBm, 0, SCAN_BITS) !== -1) throw new Error('scan'); });

  // Copy: 64 MiB in 4 KiB blocks, one call per block.
  const copyWith = (c: Core) => () => { for (let o = 0; o < BYTES; o += BLOCK) c.copy(dst + o, src + o, BLOCK); };
  const copyMs = bestMs(copyWith(wasm));
  const copyRefMs = bestMs(copyWith(ref), 3);

  // Merge: 64 MiB of 4 KiB blocks, runs of pending blocks averaging 8 blocks, half dirty.
  const mergeBlocks = BYTES / BLOCK;
  initBitmap(memory, scanBm, SCAN_BITS);
  for (let b = 0, on = false; b < mergeBlocks; on = !on) {
    const run = 1 + Math.floor(rand() * 15);
    if (on) wasm.setRange(scanBm, b, b + run);
    b += run;
  }
  const mergeWith = (c: Core) => () => c.stagingMerge(scanBm, 0, mergeBlocks, BLOCK, src, dst, stage);
  const mergeMs = bestMs(mergeWith(wasm));
  const mergeRefMs = bestMs(mergeWith(ref), 3);
  const mergeRuns = countRuns(wasm, scanBm, mergeBlocks);

  // Checksum: CRC-32C of every 4 KiB block of 64 MiB.
  const sumWith = (c: Core) => () => { for (let o = 0; o < BYTES; o += BLOCK) c.checksum(src + o, BLOCK); };
  const sumMs = bestMs(sumWith(wasm));
  const sumRefMs = bestMs(sumWith(ref), 1);

  // The 16 TiB volume: 2^26 bits, 0.01% dirty, every dirty bit found end to end.
  initBitmap(memory, hugeBm, HUGE_BITS);
  const dirty = Math.round(HUGE_BITS * DIRTY);
  for (let i = 0; i < dirty; i++) { const b = Math.floor(rand() * HUGE_BITS); wasm.atomicSet(hugeBm, b); }
  const setBits = wasm.count(hugeBm, 0, HUGE_BITS);
  const walk = (c: Core) => () => {
    let k = 0;
    for (let p = c.nextSet(hugeBm, 0, HUGE_BITS); p >= 0; p = c.nextSet(hugeBm, p + 1, HUGE_BITS)) k++;
    if (k !== setBits) throw new Error(`walk found ${k} of ${setBits}`);
  };
  const summaryScanMs = bestMs(walk(wasm));
  const summaryScanRefMs = bestMs(walk(ref), 1);

  const c = runCBaseline();
  const r = {
    scanGBps: round(gbps(BYTES, scanMs)),
    scanRefGBps: round(gbps(BYTES, scanRefMs)),
    nextSetSummaryGBps: round(gbps(BYTES, nextSetMs)),
    copyGBps: round(gbps(BYTES, copyMs)),
    copyRefGBps: round(gbps(BYTES, copyRefMs)),
    mergeGBps: round(gbps(BYTES, mergeMs)),
    mergeRefGBps: round(gbps(BYTES, mergeRefMs)),
    mergeRuns,
    checksumGBps: round(gbps(BYTES, sumMs)),
    checksumRefGBps: round(gbps(BYTES, sumRefMs), 3),
    summaryScanMs: round(summaryScanMs, 3),
    summaryScanRefMs: round(summaryScanRefMs, 3),
    summaryScanBits: HUGE_BITS,
    summaryScanDirty: setBits,
    cScanGBps: round(c.result?.scanGBps ?? null),
    cMemcpyGBps: round(c.result?.memcpyGBps ?? null),
    cNote: c.note,
    scanVsRef: round(scanRefMs / scanMs),
    scanVsC: c.result ? round(gbps(BYTES, scanMs) / c.result.scanGBps) : null,
    copyVsC: c.result ? round(gbps(BYTES, copyMs) / c.result.memcpyGBps) : null,
  };
  if (json) { console.log(JSON.stringify(r)); return; }
  printTable(r);
}

function countRuns(c: Core, bm: number, n: number): number {
  let runs = 0;
  for (let p = 0; p < n; runs++) {
    const q = c.test(bm, p) ? c.nextClear(bm, p, n) : c.nextSet(bm, p, n);
    p = q < 0 ? n : q;
  }
  return runs;
}

function printTable(r: Record<string, number | string | null>): void {
  const target = (x: number | string | null, min: number) => (typeof x === 'number' ? (x >= min ? 'met' : 'MISSED') : 'n/a');
  const under = (x: number | string | null, max: number) => (typeof x === 'number' ? (x < max ? 'met' : 'MISSED') : 'n/a');
  const rows: [string, string, string, string][] = [
    ['scan next-set, 64 MiB zero bitmap (flat SIMD)', `${r.scanGBps} GB/s`, `ref ${r.scanRefGBps} GB/s, C ${r.cScanGBps} GB/s`, ''],
    ['nextSet with summary, same bitmap', `${r.nextSetSummaryGBps} GB/s`, 'effective (reads 1/128 of it)', ''],
    ['copy 64 MiB in 4 KiB blocks', `${r.copyGBps} GB/s`, `ref ${r.copyRefGBps} GB/s, C memcpy ${r.cMemcpyGBps} GB/s`, ''],
    ['staging merge 64 MiB, 4 KiB blocks', `${r.mergeGBps} GB/s`, `ref ${r.mergeRefGBps} GB/s, ${r.mergeRuns} runs`, ''],
    ['CRC-32C per 4 KiB block', `${r.checksumGBps} GB/s`, `ref ${r.checksumRefGBps} GB/s`, ''],
    ['walk 16 TiB / 256 KiB (2^26 bits, 0.01%; < 1 ms)', `${r.summaryScanMs} ms`, `ref ${r.summaryScanRefMs} ms, ${r.summaryScanDirty} bits`, under(r.summaryScanMs, 1)],
    ['ratio scan WASM / ref (target >= 4)', `${r.scanVsRef}`, '', target(r.scanVsRef, 4)],
    ['ratio scan WASM / C gcc -O2 (target >= 0.8)', `${r.scanVsC}`, `${r.cNote}`, target(r.scanVsC, 0.8)],
    ['ratio copy WASM / C memcpy (target >= 0.75)', `${r.copyVsC}`, `${r.cNote}`, target(r.copyVsC, 0.75)],
  ];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((x, i) => (i < 3 ? x.padEnd(w[i]) : x)).join('  '));
}

await main();
