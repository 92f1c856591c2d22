/**
 * The measurement series of `npm run bench`, each repeated and summarised:
 *   limit   a small record flushed (what every durable answer waits for); the raw OPFS
 *           copy of the backup's range in its transfer unit (the backups' limit)
 *   split   split ack at 0%, 10%, 100% pending, as the client sees it and in 501
 *   backup  every mode and the prior art, 50% pending, 10% range, the client writing
 *   alone   E3 and E1 again with no client writes (the array's own cost)
 * Figures compared with each other are measured rep by rep in turn (series below).
 *   idle    client write latency with no backup
 *   scale   backup time, split ack and raw copy per volume size
 *   core    the core benchmark's figures in the browser
 *   incremental  full against incremental backups at 1, 10, 50 % changed (bench-incremental.ts;
 *           `--incremental` runs only this series)
 * A run that throws is recorded as an error and its sample left out: one broken mode
 * must not hide every other figure (benchmarks never fail).
 */

import type { Mode } from '../../src/scenario/schema.ts';
import { NBUF } from '../../src/array/memory-507.ts';
import type { BenchBrowser, LiveRun } from './bench-browser-node.ts';
import {
  BACKUP_MODES, BLOCK_BYTES, SPLIT_PENDING, TRANSFER_BLOCKS, backupScenario, blocksOf, idleScenario,
  rangeBlocks, scaleRefusal, splitScenario, type BenchOptions,
} from './bench-plan.ts';
import { summarize, type Summary } from './bench-stats.ts';
import { measureIncremental } from './bench-incremental.ts';

export interface Figure extends Summary { label: string; unit: string }

export interface Measured {
  figures: Record<string, Figure>;
  /** Runs whose tape the oracle verified, per series. */
  verified: Record<string, { ok: number; runs: number }>;
  skipped: { what: string; why: string }[];
  errors: string[];
  scale: number[];
  availableBytes: number | null;
}

const ALONE_MODES = ['E3', 'E1'] as const;
/** The size of a metadata record written while I/O runs (metadata-record.ts), and how often it is timed. */
const FLUSH_BYTES = 2048;
const FLUSH_REPS = 40;
/** Idle client runs last this long before the split that ends them (ms). */
const IDLE_MS = 1000;

export async function measureAll(b: BenchBrowser, o: BenchOptions, log: (s: string) => void): Promise<Measured> {
  const m: Measured = { figures: {}, verified: {}, skipped: [], errors: [], scale: [], availableBytes: await b.available() };
  const put = (key: string, label: string, unit: string, samples: number[]) => {
    m.figures[key] = { label, unit, ...summarize(samples.filter(Number.isFinite)) };
  };
  /**
   * `reps` live runs of each key, rep by rep across the keys: figures that are compared
   * with each other (0 % against 100 % pending, E3 against sync) meet any drift of this
   * noisy machine alike. `beforeRep` measures what goes with each rep (the raw copy).
   * Returns per key the results that completed, and counts the verified ones.
   */
  const series = async (keys: readonly string[], reps: number, run: (key: string, rep: number) => Promise<LiveRun>,
    beforeRep?: (rep: number) => Promise<void>): Promise<Record<string, LiveRun[]>> => {
    const out: Record<string, LiveRun[]> = {};
    for (const key of keys) { out[key] = []; m.verified[key] = { ok: 0, runs: 0 }; }
    for (let rep = 0; rep < reps; rep++) {
      await beforeRep?.(rep);
      for (const key of keys) {
        const v = m.verified[key];
        try {
          const r = await run(key, rep);
          out[key].push(r);
          v.runs++;
          if (r.result.verified) v.ok++;
          else m.errors.push(`${key} rep ${rep + 1}: not verified: ${r.result.reason ?? '?'}`);
        } catch (e) {
          m.errors.push(`${key} rep ${rep + 1}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
    for (const key of keys) log(`  ${key}: ${out[key].length}/${reps} runs, ${m.verified[key].ok} verified`);
    return out;
  };
  if (o.incremental) {
    await measureIncremental(b, o, put, series, log);
    return m;
  }
  const blocks = blocksOf(o.mib);
  const rangeBytes = rangeBlocks(blocks) * BLOCK_BYTES;
  const unitBytes = TRANSFER_BLOCKS * BLOCK_BYTES;

  log('limit: a small record flushed');
  // Every answer the array gives waits for a metadata record like this one to be durable.
  put('limit.flushMs', `a ${FLUSH_BYTES / 1024} KiB record overwritten and flushed`, 'ms', await b.rawFlush({ flushBytes: FLUSH_BYTES, reps: o.smoke ? 1 : FLUSH_REPS }));

  log('split: ack at 0%, 10%, 100% pending');
  const pendingOf = new Map(SPLIT_PENDING.map((p) => [`split.p${Math.round(p * 100)}`, p]));
  const splits = await series([...pendingOf.keys()], o.reps,
    (key, rep) => b.live(splitScenario(blocks, pendingOf.get(key)!, 1 + rep), 'E3'));
  for (const [key, p] of pendingOf) {
    const runs = splits[key];
    const pct = Math.round(p * 100);
    put(`split.p${pct}.clientMs`, `split ack as the client sees it, ${pct}% pending`, 'ms', runs.map((r) => r.result.splitAckMs));
    put(`split.p${pct}.controllerMs`, `split ack in 501, ${pct}% pending`, 'ms', runs.map((r) => r.controllerSplitAckMs));
    put(`split.p${pct}.durableMs`, `split in 501 to its metadata record flushed, ${pct}% pending`, 'ms', runs.map((r) => r.durableSplitAckMs));
  }

  // The backups rep by rep with the raw copy they are measured against, and with E3 and E1
  // again while the client is idle: what the array's own path costs, apart from the client's
  // share of the two cores (docs/live.md "What the benchmark shows").
  log(`backup: every mode, 50% pending, 10% range, client at ${o.rate} writes/s; the raw OPFS copy; E3 and E1 alone`);
  const raw: number[] = [], rawSpan: number[] = [];
  // The backup moves up to NBUF units per I/O call (staging-515.ts); the limit, the raw copy,
  // copies in the transfer unit. Both are measured, so the report shows what the bigger
  // calls buy.
  const spanBytes = NBUF * unitBytes;
  const plan = new Map<string, { mode: Mode; rate: number }>([
    ...BACKUP_MODES.map((mode) => [`backup.${mode}`, { mode, rate: o.rate }] as const),
    ...ALONE_MODES.map((mode) => [`alone.${mode}`, { mode, rate: 0 }] as const),
  ]);
  const backups = await series([...plan.keys()], o.reps,
    (key, rep) => b.live(backupScenario(blocks, plan.get(key)!.rate, 1 + rep), plan.get(key)!.mode),
    async () => {
      raw.push(...await b.rawCopy({ volumeBytes: blocks * BLOCK_BYTES, rangeBytes, unitBytes, reps: 1 }));
      rawSpan.push(...await b.rawCopy({ volumeBytes: blocks * BLOCK_BYTES, rangeBytes, unitBytes: spanBytes, reps: 1 }));
    });
  put('limit.rawCopyMs', `raw OPFS copy of the range (${mib(rangeBytes)} MiB in ${unitBytes / 1024} KiB units)`, 'ms', raw);
  put('limit.rawCopySpanMs', `raw OPFS copy of the range in ${spanBytes / 1024} KiB calls (the most the backup moves per call)`, 'ms', rawSpan);
  put('limit.rawCopyMBps', 'raw OPFS copy throughput', 'MB/s', raw.map((ms) => rangeBytes / (ms * 1000)));
  for (const mode of BACKUP_MODES) {
    const runs = backups[`backup.${mode}`];
    const at = (r: LiveRun) => r.result.at;
    put(`backup.${mode}.doneMs`, `${mode}: backup command → backup done`, 'ms', runs.map((r) => r.result.backupDoneMs));
    put(`backup.${mode}.splitToDoneMs`, `${mode}: split command → backup done`, 'ms', runs.map((r) => at(r).backupDone - at(r).splitCmd));
    put(`backup.${mode}.writeP50Ms`, `${mode}: client write latency p50 during split + backup`, 'ms', runs.map((r) => r.result.writeLatencyMs.p50));
    put(`backup.${mode}.writeP99Ms`, `${mode}: client write latency p99 during split + backup`, 'ms', runs.map((r) => r.result.writeLatencyMs.p99));
  }

  for (const mode of ALONE_MODES) {
    put(`alone.${mode}.doneMs`, `${mode}: backup command → backup done, no client writes`, 'ms', backups[`alone.${mode}`].map((r) => r.result.backupDoneMs));
  }

  log('idle: client write latency with no backup');
  const idle = (await series(['idle'], o.reps, (_, rep) => b.live(idleScenario(blocks, o.rate, 1 + rep, o.smoke ? 200 : IDLE_MS), 'E3'))).idle;
  // The idle run has no backup, so the oracle has nothing to verify: not an error.
  m.errors = m.errors.filter((e) => !e.startsWith('idle rep') || !e.includes('no split and backup'));
  put('idle.writeP50Ms', 'client write latency p50, no backup', 'ms', idle.map((r) => r.result.writeLatencyMs.p50));
  put('idle.writeP99Ms', 'client write latency p99, no backup', 'ms', idle.map((r) => r.result.writeLatencyMs.p99));

  log('scale: backup time and split ack per volume size (E3)');
  for (const size of o.scale) {
    // The previous point's files go first: the quota is checked against what this one needs.
    await b.reset();
    const why = scaleRefusal(size, await b.available());
    if (why) { m.skipped.push({ what: `scale ${size} MiB`, why }); log(`  ${size} MiB skipped: ${why}`); continue; }
    const sb = blocksOf(size);
    const sRange = rangeBlocks(sb) * BLOCK_BYTES;
    const runs = (await series([`scale.${size}`], o.scaleReps, (_, rep) => b.live(backupScenario(sb, o.rate, 1 + rep), 'E3')))[`scale.${size}`];
    // The live run's files are removed before the raw copy writes its own (bytesNeeded).
    await b.reset();
    const rc = await b.rawCopy({ volumeBytes: sb * BLOCK_BYTES, rangeBytes: sRange, unitBytes, reps: o.scaleReps });
    m.scale.push(size);
    put(`scale.${size}.backupMs`, `${size} MiB: E3 backup command → done (${mib(sRange)} MiB range)`, 'ms', runs.map((r) => r.result.backupDoneMs));
    put(`scale.${size}.splitAckMs`, `${size} MiB: split ack as the client sees it`, 'ms', runs.map((r) => r.result.splitAckMs));
    put(`scale.${size}.rawCopyMs`, `${size} MiB: raw OPFS copy of the range`, 'ms', rc);
  }

  await measureIncremental(b, o, put, series, log);

  log(`core: the core benchmark in the browser (${o.coreMib} MiB, best of ${o.coreReps})`);
  const c = await b.core(o.coreMib, o.coreReps);
  for (const [k, v] of Object.entries(c)) {
    if (k === 'bytes' || k === 'summaryScanDirty' || k === 'mergeRuns') continue; // counts, not figures
    put(`core.browser.${k}`, `browser core: ${k}`, k.endsWith('Ms') ? 'ms' : 'GB/s', [v]);
  }
  return m;
}

const mib = (bytes: number) => Number((bytes / (1 << 20)).toFixed(2));
