/**
 * Benchmark of the core (not a test: it reports figures and ratios, asserts
 * nothing). Run through `npm run bench:core` (bin/bench-core.js); `--json` prints one JSON
 * object instead of the table. The measurements are web/bench/core-measure.ts's, shared with
 * the browser run of `npm run bench`; the C baseline is compiled and run here.
 */
import { loadCoreModuleNode } from '../../src/core/load-node.ts';
import { measureCore } from '../../web/bench/core-measure.ts';
import { runCBaseline } from './core-baseline-node.ts';

const round = (x: number | null, d = 2) => (x === null ? null : Number(x.toFixed(d)));

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const f = measureCore(await loadCoreModuleNode(), 64, 15);
  const c = runCBaseline();
  const r = {
    scanGBps: round(f.scanGBps),
    scanRefGBps: round(f.scanRefGBps),
    nextSetSummaryGBps: round(f.nextSetSummaryGBps),
    copyGBps: round(f.copyGBps),
    copyRefGBps: round(f.copyRefGBps),
    mergeGBps: round(f.mergeGBps),
    mergeRefGBps: round(f.mergeRefGBps),
    mergeRuns: f.mergeRuns,
    checksumGBps: round(f.checksumGBps),
    checksumRefGBps: round(f.checksumRefGBps, 3),
    summaryScanMs: round(f.summaryScanMs, 3),
    summaryScanRefMs: round(f.summaryScanRefMs, 3),
    summaryScanBits: 1 << 26,
    summaryScanDirty: f.summaryScanDirty,
    cScanGBps: round(c.result?.scanGBps ?? null),
    cMemcpyGBps: round(c.result?.memcpyGBps ?? null),
    cNote: c.note,
    scanVsRef: round(f.scanGBps / f.scanRefGBps),
    scanVsC: c.result ? round(f.scanGBps / c.result.scanGBps) : null,
    copyVsC: c.result ? round(f.copyGBps / c.result.memcpyGBps) : null,
  };
  if (json) { console.log(JSON.stringify(r)); return; }
  printTable(r);
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
