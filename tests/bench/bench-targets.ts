/**
 * The benchmark's targets (the live runtime's and the WASM core's), each a ratio against a
 * limit measured in the same run where there is one, so they mean something on any
 * machine. The two absolute bounds (a split ack under 1 ms, the 16 TiB walk under 1 ms)
 * are the project's own and are labelled as such. Pure: tested in
 * tests/unit/bench-stats.test.ts.
 */
import { targetMax, targetMin, type Target } from './bench-stats.ts';

type Med = (key: string) => number;

export interface CoreRefs {
  /** The C baseline (gcc -O2) measured by the Node harness in the same run. */
  cScanGBps: number | null;
  cMemcpyGBps: number | null;
}

export function computeTargets(med: Med, scale: readonly number[], c: CoreRefs): Target[] {
  const t: Target[] = [];
  for (const side of ['client', 'controller'] as const) {
    const p0 = med(`split.p0.${side}Ms`);
    const p100 = med(`split.p100.${side}Ms`);
    t.push(targetMax(`split.flat.${side}`, `split ack (${side}) at 100% pending ≤ 1.5 × at 0% pending`, p100, p0, 1.5));
    t.push(targetMax(`split.under1ms.${side}`, `split ack (${side}) at 100% pending < 1 ms (absolute bound)`, p100, 1, 1));
  }
  const raw = med('limit.rawCopyMs');
  t.push(targetMax('backup.E3.vsRaw', 'E3 backup ≤ 1.25 × raw OPFS copy of the range', med('backup.E3.doneMs'), raw, 1.25));
  t.push(targetMax('backup.E1.vsRaw', 'E1 backup ≤ 1.5 × raw OPFS copy of the range', med('backup.E1.doneMs'), raw, 1.5));
  t.push(targetMin('backup.E3.vsSync', 'split command → backup done: sync ≥ 5 × E3 (E3 five times faster)',
    med('backup.sync.splitToDoneMs'), med('backup.E3.splitToDoneMs'), 5));
  if (scale.length >= 2) {
    const lo = scale[0];
    const hi = scale[scale.length - 1];
    const grow = hi / lo;
    // Linear: the backup grows no faster than the volume (a growth of `grow` for a `grow` × larger range).
    t.push(targetMax('scale.backupLinear', `E3 backup at ${hi} MiB ÷ ${grow} (the size ratio) ≤ 1.25 × at ${lo} MiB (linear growth)`,
      med(`scale.${hi}.backupMs`) / grow, med(`scale.${lo}.backupMs`), 1.25));
    t.push(targetMax('scale.splitFlat', `split ack at ${hi} MiB ≤ 1.5 × at ${lo} MiB`,
      med(`scale.${hi}.splitAckMs`), med(`scale.${lo}.splitAckMs`), 1.5));
  }
  const scan = med('core.browser.scanGBps');
  t.push(targetMin('core.scanVsRef', 'browser: WASM scan ≥ 4 × the reference scan', scan, med('core.browser.scanRefGBps'), 4, 'GB/s'));
  t.push(targetMin('core.scanVsC', 'browser: WASM scan ≥ 0.8 × C gcc -O2 scan', scan, c.cScanGBps ?? NaN, 0.8, 'GB/s'));
  t.push(targetMin('core.copyVsC', 'browser: WASM copy ≥ 0.75 × C memcpy', med('core.browser.copyGBps'), c.cMemcpyGBps ?? NaN, 0.75, 'GB/s'));
  t.push(targetMax('core.walk16TiB', 'browser: walk of a 16 TiB bitmap < 1 ms (absolute bound)', med('core.browser.summaryScanMs'), 1, 1));
  return t;
}
