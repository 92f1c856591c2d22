/**
 * The measurement series of `npm run bench`, each repeated and summarised:
 *   limit     this machine's limits, in the same run: a hop between two workers, single OPFS
 *             calls (a 4 KiB write, a 256 KiB write, a 4 KiB read, a flush), and the raw OPFS
 *             copy of the backup's range, fair (into a laid-out file, in the backup's calls)
 *             and in the transfer unit (a figure)
 *   split     split ack at 0 %, 25 %, 100 % pending, the client writing, as the client sees it
 *   backup    every mode and the prior art, 50 % pending, 10 % range, the client writing
 *   alone     E3 and E1 again with no client writes (the array's own cost)
 *   ack       client write acks at the default preset's geometry: no backup, in 'flush'
 *             durability for contrast, and during the preset's E3 and E1 backups
 *   capacity  the highest rate of single-block writes with p99 ≤ 5 ms, idle and during backups
 *   scale     backup time, split ack and raw copy per volume size
 *   core      the core benchmark's figures in the browser
 *   incremental  full against incremental backups at 1, 10, 50 % changed (bench-incremental.ts;
 *             `--incremental` runs only this series)
 * Figures compared with each other are measured rep by rep in turn (series below). A run that
 * throws is recorded as an error and its sample left out: one broken mode must not hide every
 * other figure (benchmarks never fail).
 */

import type { Mode, Scenario } from '../../src/scenario/schema.ts';
import { NBUF } from '../../src/array/memory-507.ts';
import type { BenchBrowser, LiveRun, LiveRunOptions } from './bench-browser-node.ts';
import { CAPACITY, searchCapacity, type Probe } from './bench-capacity.ts';
import {
  BACKUP_MODES, BLOCK_BYTES, PRESET_BLOCKS, SPLIT_PENDING, TRANSFER_BLOCKS, backupLoadScenario, backupScenario, blocksOf,
  idleScenario, presetScenario, rangeBlocks, scaleRefusal, splitScenario, stageKey, type BenchOptions,
} from './bench-plan.ts';
import { ACK_STAGES } from '../../src/runtime/ack-stages.ts';
import { quantile, summarize, type Summary } from './bench-stats.ts';
import { measureIncremental } from './bench-incremental.ts';

export interface Figure extends Summary { label: string; unit: string }

export interface Measured {
  figures: Record<string, Figure>;
  /** Runs whose tape the oracle verified, per series. */
  verified: Record<string, { ok: number; runs: number }>;
  /** The capacity searches' probes, per search. */
  searches: Record<string, Probe[]>;
  skipped: { what: string; why: string }[];
  errors: string[];
  scale: number[];
  availableBytes: number | null;
}

const ALONE_MODES = ['E3', 'E1'] as const;
/** Write-ack runs last this long before the split that ends them (ms); capacity probes, CAPACITY_MS. */
const ACK_MS = 1000;
const CAPACITY_MS = 500;

interface Plan { scenario: (rep: number) => Scenario; mode: Mode; opts?: LiveRunOptions }

export async function measureAll(b: BenchBrowser, o: BenchOptions, log: (s: string) => void): Promise<Measured> {
  const m: Measured = { figures: {}, verified: {}, searches: {}, skipped: [], errors: [], scale: [], availableBytes: await b.available() };
  const put = (key: string, label: string, unit: string, samples: number[]) => {
    m.figures[key] = { label, unit, ...summarize(samples.filter(Number.isFinite)) };
  };
  /**
   * `reps` live runs of each key, rep by rep across the keys: figures that are compared
   * with each other (0 % against 100 % pending, E3 against sync) meet any drift of this
   * noisy machine alike. `beforeRep` measures what goes with each rep (the raw copy).
   * Returns per key the results that completed, and counts the verified ones (a run with no
   * backup has nothing to verify, `check: false`).
   */
  const runSeries = async (keys: readonly string[], reps: number, run: (key: string, rep: number) => Promise<LiveRun>,
    beforeRep?: (rep: number) => Promise<void>, check = true): Promise<Record<string, LiveRun[]>> => {
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
          if (r.result.verified || !check) v.ok++;
          else m.errors.push(`${key} rep ${rep + 1}: not verified: ${r.result.reason ?? '?'}`);
        } catch (e) {
          m.errors.push(`${key} rep ${rep + 1}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
    for (const key of keys) log(`  ${key}: ${out[key].length}/${reps} runs${check ? `, ${m.verified[key].ok} verified` : ''}`);
    if (!check) for (const key of keys) delete m.verified[key];
    return out;
  };
  /** The same over plans, a scenario and the run's mode and options per key. */
  const series = (plans: Record<string, Plan>, reps: number, beforeRep?: (rep: number) => Promise<void>, check = true) =>
    runSeries(Object.keys(plans), reps, (key, rep) => b.live(plans[key].scenario(rep), plans[key].mode, plans[key].opts), beforeRep, check);
  if (o.incremental) {
    await measureIncremental(b, o, put, runSeries, log);
    return m;
  }
  const blocks = blocksOf(o.mib);
  const rangeBytes = rangeBlocks(blocks) * BLOCK_BYTES;
  const unitBytes = TRANSFER_BLOCKS * BLOCK_BYTES;

  log('limit: a hop between two workers, single OPFS calls');
  const tails = (key: string, label: string, unit: string, runs: number[][], scale = 1) => {
    const sorted = runs.map((r) => [...r].sort((x, y) => x - y));
    put(`${key}.p50`, `${label}, p50`, unit, sorted.map((r) => quantile(r, 0.5) * scale));
    put(`${key}.p99`, `${label}, p99`, unit, sorted.map((r) => quantile(r, 0.99) * scale));
  };
  const n = (full: number) => (o.smoke ? Math.max(5, Math.round(full / 100)) : full);
  const limits = { hop: [] as number[][], w4k: [] as number[][], w256k: [] as number[][], r4k: [] as number[][], flush: [] as number[][], run: [] as number[] };
  const runCalls = n(30000);
  for (let rep = 0; rep < o.reps; rep++) {
    limits.hop.push(await b.hop(n(5000)));
    limits.w4k.push(await b.io({ op: 'write4k', reps: n(2000) }));
    limits.w256k.push(await b.io({ op: 'write256k', reps: n(500) }));
    limits.r4k.push(await b.io({ op: 'read4k', reps: n(2000) }));
    limits.flush.push(await b.io({ op: 'flush', reps: n(100) }));
    const [ms] = await b.io({ op: 'write4kRun', reps: runCalls });
    limits.run.push((runCalls * 1000) / ms);
  }
  tails('limit.hopUs', 'worker → worker → worker round trip, Atomics.wait/notify', 'µs', limits.hop, 1000);
  tails('limit.opfsWrite4kUs', '4 KiB OPFS write into a laid-out file', 'µs', limits.w4k, 1000);
  tails('limit.opfsWrite256kUs', '256 KiB OPFS write into a laid-out file', 'µs', limits.w256k, 1000);
  tails('limit.opfsRead4kUs', '4 KiB OPFS read', 'µs', limits.r4k, 1000);
  tails('limit.flushMs', 'OPFS flush after a 4 KiB write', 'ms', limits.flush);
  put('limit.opfsWrite4kPerS', `4 KiB OPFS writes a second, ${runCalls} back to back by one worker`, 'writes/s', limits.run);

  // The page's first live run starts its workers cold, later runs take them warm
  // (docs/live.md#warm-workers): the first is a figure of its own, and no series begins cold.
  log('cold: the page\'s first live run (idle writes), a figure apart; every run after it is warm');
  const cold = await b.live(idleScenario(PRESET_BLOCKS, o.rate, 1, o.smoke ? 200 : ACK_MS), 'E3');
  put('live.writeAck.cold.p50Ms', `the page's first live run (cold workers): client write ack p50, ${o.rate} writes/s, no backup`, 'ms', [cold.result.writeLatencyMs.p50]);
  put('live.writeAck.cold.p99Ms', `the page's first live run (cold workers): client write ack p99, ${o.rate} writes/s, no backup`, 'ms', [cold.result.writeLatencyMs.p99]);

  log(`split: ack at 0%, 25%, 100% pending, client at ${o.rate} writes/s`);
  const splitPlans = Object.fromEntries(SPLIT_PENDING.map((p) => [`split.p${Math.round(p * 100)}`,
    { scenario: (rep: number) => splitScenario(blocks, p, 1 + rep, o.rate), mode: 'E3' as Mode }]));
  const splits = await series(splitPlans, o.reps);
  for (const p of SPLIT_PENDING) {
    const pct = Math.round(p * 100), runs = splits[`split.p${pct}`];
    put(`split.p${pct}.clientMs`, `split ack as the client sees it, ${pct}% pending, client writing`, 'ms', runs.map((r) => r.result.splitAckMs));
    put(`split.p${pct}.controllerMs`, `split ack in 501, ${pct}% pending (two log entries in one step)`, 'ms', runs.map((r) => r.controllerSplitAckMs));
    put(`split.p${pct}.durableMs`, `split in 501 to its metadata record written, ${pct}% pending`, 'ms', runs.map((r) => r.durableSplitAckMs));
    put(`split.p${pct}.pendingAtSplit`, `blocks pending at the split ÷ the volume, ${pct}% pending at t = 0 (508 copies meanwhile)`, '', runs.map((r) => r.result.pendingAtSplit / blocks));
  }

  // The backups rep by rep with the raw copies they are measured against, and with E3 and E1
  // again while the client is idle: what the array's own path costs, apart from the client's
  // share of the two cores (docs/live.md#what-the-benchmark-shows).
  log(`backup: every mode, 50% pending, 10% range, client at ${o.rate} writes/s; the raw OPFS copies; E3 and E1 alone`);
  const raw: number[] = [], rawUnit: number[] = [];
  // The fair copy moves what the backup moves per call: a span of NBUF units (staging-515.ts),
  // into a file laid out as the tape is (live-ctx.ts opfsTape).
  const spanBytes = NBUF * unitBytes;
  const backupPlans: Record<string, Plan> = Object.fromEntries([
    ...BACKUP_MODES.map((mode) => [`backup.${mode}`, { scenario: (rep: number) => backupScenario(blocks, o.rate, 1 + rep), mode }] as const),
    ...ALONE_MODES.map((mode) => [`alone.${mode}`, { scenario: (rep: number) => backupScenario(blocks, 0, 1 + rep), mode }] as const),
  ]);
  const backups = await series(backupPlans, o.reps, async () => {
    raw.push(...await b.rawCopy({ volumeBytes: blocks * BLOCK_BYTES, rangeBytes, unitBytes: spanBytes, laidOut: true, reps: 1 }));
    rawUnit.push(...await b.rawCopy({ volumeBytes: blocks * BLOCK_BYTES, rangeBytes, unitBytes, laidOut: false, reps: 1 }));
  });
  put('limit.rawCopyMs', `fair raw OPFS copy of the range (${mib(rangeBytes)} MiB in ${spanBytes / 1024} KiB calls into a laid-out file)`, 'ms', raw);
  put('limit.rawCopyUnitMs', `raw OPFS copy of the range in ${unitBytes / 1024} KiB calls into a fresh file (a figure)`, 'ms', rawUnit);
  put('limit.rawCopyMBps', 'fair raw OPFS copy throughput', 'MB/s', raw.map((ms) => rangeBytes / (ms * 1000)));
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

  log(`ack: client write acks at the default preset's geometry, ${o.rate} writes/s`);
  const ackMs = o.smoke ? 200 : ACK_MS;
  const acks = await series({
    'ack.idle': { scenario: (rep) => idleScenario(PRESET_BLOCKS, o.rate, 1 + rep, ackMs), mode: 'E3' },
    'ack.flush': { scenario: (rep) => idleScenario(PRESET_BLOCKS, o.rate, 1 + rep, ackMs), mode: 'E3', opts: { durability: 'flush' } },
  }, o.reps, undefined, false);
  const during = await series({
    'ack.backupE3': { scenario: (rep) => presetScenario(o.rate, 1 + rep), mode: 'E3' },
    'ack.backupE1': { scenario: (rep) => presetScenario(o.rate, 1 + rep), mode: 'E1' },
  }, o.reps);
  for (const [key, runs, what] of [['idle', acks['ack.idle'], 'no backup'], ['flush', acks['ack.flush'], "no backup, 'flush' durability"],
    ['backupE3', during['ack.backupE3'], 'the preset in E3 (split and backup of the whole volume)'], ['backupE1', during['ack.backupE1'], 'the preset in E1']] as const) {
    put(`live.writeAck.${key}.p50Ms`, `client write ack p50, ${what}`, 'ms', runs.map((r) => r.result.writeLatencyMs.p50));
    put(`live.writeAck.${key}.p99Ms`, `client write ack p99, ${what}`, 'ms', runs.map((r) => r.result.writeLatencyMs.p99));
    // Where that time went (src/runtime/ack-stages.ts): each stage's own p50 and p99.
    for (const stage of ACK_STAGES) {
      for (const q of ['p50', 'p99'] as const) {
        put(stageKey(key, stage, q), `the '${stage}' stage of a client write's ack, ${q}, ${what}`, 'ms', runs.map((r) => r.result.ackStagesMs?.[stage][q] ?? NaN));
      }
    }
  }

  log('capacity: single-block writes, p99 ≤ 5 ms, a search over offered rates');
  const plan = o.smoke ? { ...CAPACITY, start: 500, max: 1000, steps: 1, grain: 250 } : CAPACITY;
  let probeRep = 0;
  const p99Of = async (s: Scenario) => {
    const r = await b.live(s, 'E3');
    if (s.script.some((c) => c.op === 'backup') && !r.result.verified) m.errors.push(`capacity probe at ${s.workload.rate}/s: not verified: ${r.result.reason ?? '?'}`);
    return r.result.writeLatencyMs.p99;
  };
  for (const [key, make] of [['idle', (rate: number) => idleScenario(PRESET_BLOCKS, rate, 1 + probeRep++, o.smoke ? 100 : CAPACITY_MS, 1)],
    ['backup', (rate: number) => backupLoadScenario(rate, 1 + probeRep++)]] as const) {
    const found = await searchCapacity(plan, (rate) => p99Of(make(rate)));
    m.searches[key] = found.probes;
    log(`  ${key}: ${found.rate} writes/s (${found.probes.map((p) => `${p.rate}: ${Number.isFinite(p.p99Ms) ? p.p99Ms.toFixed(2) : 'failed'}`).join(', ')})`);
    put(`live.capacity.${key}`, `highest rate of single-block writes with p99 ≤ ${plan.boundMs} ms, ${key === 'idle' ? 'no backup' : 'during E3 backups'}`, 'writes/s', [found.rate]);
  }

  log('scale: backup time and split ack per volume size (E3)');
  for (const size of o.scale) {
    // The previous point's files go first: the quota is checked against what this one needs.
    await b.reset();
    const why = scaleRefusal(size, await b.available());
    if (why) { m.skipped.push({ what: `scale ${size} MiB`, why }); log(`  ${size} MiB skipped: ${why}`); continue; }
    const sb = blocksOf(size);
    const sRange = rangeBlocks(sb) * BLOCK_BYTES;
    const runs = (await series({ [`scale.${size}`]: { scenario: (rep) => backupScenario(sb, o.rate, 1 + rep), mode: 'E3' } }, o.scaleReps))[`scale.${size}`];
    // The live run's files are removed before the raw copy writes its own (bytesNeeded).
    await b.reset();
    const rc = await b.rawCopy({ volumeBytes: sb * BLOCK_BYTES, rangeBytes: sRange, unitBytes: spanBytes, laidOut: true, reps: o.scaleReps });
    m.scale.push(size);
    put(`scale.${size}.backupMs`, `${size} MiB: E3 backup command → done (${mib(sRange)} MiB range)`, 'ms', runs.map((r) => r.result.backupDoneMs));
    put(`scale.${size}.splitAckMs`, `${size} MiB: split ack as the client sees it`, 'ms', runs.map((r) => r.result.splitAckMs));
    put(`scale.${size}.rawCopyMs`, `${size} MiB: fair raw OPFS copy of the range`, 'ms', rc);
  }

  await measureIncremental(b, o, put, runSeries, log);

  log(`core: the core benchmark in the browser (${o.coreMib} MiB, best of ${o.coreReps})`);
  const c = await b.core(o.coreMib, o.coreReps);
  for (const [k, v] of Object.entries(c)) {
    if (k === 'bytes' || k === 'summaryScanDirty' || k === 'mergeRuns') continue; // counts, not figures
    put(`core.browser.${k}`, `browser core: ${k}`, k.endsWith('Ms') ? 'ms' : 'GB/s', [v]);
  }
  return m;
}

const mib = (bytes: number) => Number((bytes / (1 << 20)).toFixed(2));
