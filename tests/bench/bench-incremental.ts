/**
 * The incremental series of `npm run bench` (`--incremental` runs it alone): per changed
 * fraction (1, 10, 50 % of the volume, bench-plan.ts incrementalScenario), runs that back
 * the volume up in full, resync, split again and then back that second split up either
 * incrementally or in full, rep by rep in turn. The same seed gives the same writes, so the
 * two second backups start from the same split with the same blocks pending in 514 (the
 * changed blocks are the ones written last, which 508 has often not copied yet): that pair
 * is the comparison. After each incremental run the raw OPFS copy of as many blocks as it
 * held is measured in the same transfer unit: contiguous, so a lower bound for copying
 * those blocks wherever they lie.
 */
import type { BenchBrowser, LiveRun } from './bench-browser-node.ts';
import { BLOCK_BYTES, INCREMENTAL_CHANGED, TRANSFER_BLOCKS, blocksOf, incrementalScenario, type BenchOptions } from './bench-plan.ts';

type Put = (key: string, label: string, unit: string, samples: number[]) => void;
type Series = (keys: readonly string[], reps: number, run: (key: string, rep: number) => Promise<LiveRun>) => Promise<Record<string, LiveRun[]>>;

export const incrementalKey = (changed: number) => `incremental.p${Math.round(changed * 100)}`;

export async function measureIncremental(b: BenchBrowser, o: BenchOptions, put: Put, series: Series, log: (s: string) => void): Promise<void> {
  const blocks = blocksOf(o.mib);
  const unitBytes = TRANSFER_BLOCKS * BLOCK_BYTES;
  log(`incremental: full against incremental backups of ${o.mib} MiB at ${INCREMENTAL_CHANGED.map((c) => `${c * 100}%`).join(', ')} changed; the raw copy of as many blocks`);
  const changedOf = new Map(INCREMENTAL_CHANGED.map((c) => [incrementalKey(c), c]));
  const keys = [...changedOf.keys()].flatMap((k) => [`${k}.inc`, `${k}.full`]);
  const raw = new Map<string, number[]>([...changedOf.keys()].map((k) => [k, []]));
  const runs = await series(keys, o.reps, async (key, rep) => {
    const base = key.replace(/\.(inc|full)$/, '');
    const inc = key.endsWith('.inc');
    const r = await b.live(incrementalScenario(blocks, o.rate, changedOf.get(base)!, 1 + rep, inc ? 'incremental' : 'full'), 'E3');
    if (!inc) return r;
    // The live run's files go first: the copy's own fit in the quota the run had.
    await b.reset();
    raw.get(base)!.push(...await b.rawCopy({ volumeBytes: blocks * BLOCK_BYTES, rangeBytes: (r.result.incrementalBlocks?.[0] ?? 0) * BLOCK_BYTES, unitBytes, reps: 1 }));
    return r;
  });
  for (const [key, changed] of changedOf) {
    const pct = Math.round(changed * 100);
    const inc = runs[`${key}.inc`], full = runs[`${key}.full`];
    const second = (r: LiveRun) => r.result.points?.[1]?.backupMs ?? NaN;
    put(`${key}.fullMs`, `${pct}% changed: full backup of the second split, command → done`, 'ms', full.map(second));
    put(`${key}.incMs`, `${pct}% changed: incremental backup of the second split, command → done`, 'ms', inc.map(second));
    put(`${key}.changedPct`, `${pct}% changed: blocks the incremental held, % of the volume`, '%',
      inc.map((r) => (100 * (r.result.incrementalBlocks?.[0] ?? NaN)) / blocks));
    put(`${key}.runs`, `${pct}% changed: runs of changed blocks the incremental held`, 'runs', inc.map((r) => r.result.points?.[1]?.runs ?? NaN));
    put(`${key}.rawMs`, `${pct}% changed: raw OPFS copy of as many blocks (contiguous, ${unitBytes / 1024} KiB units)`, 'ms', raw.get(key)!);
  }
}
