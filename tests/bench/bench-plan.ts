/**
 * What `npm run bench` runs: the command-line options and the scenarios of each
 * measurement, built in the scenario format of docs/scenario.md and checked by the sim's
 * own validateScenario. Pure: no browser, no file system.
 */
import { LIMITS, MODES, type Mode, type Scenario } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';

export interface BenchOptions {
  smoke: boolean;
  /** Repetitions of the split, backup and idle runs and of the raw copy. */
  reps: number;
  /** Repetitions of each scale point. */
  scaleReps: number;
  /** Volume of the split, backup and client-impact runs, MiB. */
  mib: number;
  /** Scale points, MiB. */
  scale: number[];
  /** Client writes per second during the backups (the client keeps writing throughout). */
  rate: number;
  /** Core benchmark size (MiB) and repetitions in the browser. */
  coreMib: number;
  coreReps: number;
  /** Also run `npm run bench:core` in Node (the figures the browser's are compared with). */
  nodeCore: boolean;
  /** Only the incremental series (incremental against full backups), none of the others. */
  incremental: boolean;
  json: string | null;
  /** Folder of the Markdown report and SVG charts; null: none. */
  out: string | null;
  port: number;
  /** The iSCSI throughput series against tgtd (tests/bench/bench-iscsi.ts). */
  iscsi: boolean;
  /** Only that series: no browser, no report folder (its figures print, and go to --json). */
  onlyIscsi: boolean;
}

export const BLOCK_BYTES = 4096;
/** The backup's transfer unit in blocks: the scenario format's default tape block (32 KiB). */
export const TRANSFER_BLOCKS = Math.max(1, Math.floor(LIMITS.defaultTransferBytes / BLOCK_BYTES));
export const SPLIT_PENDING = [0, 0.25, 1] as const;
/** The split is sent this long after the client started writing (so it lands in a stream of writes). */
export const SPLIT_AT_MS = 20;
/** Blocks of the default preset's volume (DEFAULT_SCENARIO: 4096 × 4 KiB, 1024 cache slots): the write-ack and capacity targets are taken there. */
export const PRESET_BLOCKS = 4096;
export const BACKUP_PENDING = 0.5;
export const RANGE_FRACTION = 0.1;
const MIB = 1 << 20;

export const DEFAULTS: BenchOptions = {
  smoke: false, reps: 5, scaleReps: 3, mib: 64, scale: [64, 256, 1024, 4096], rate: 5000,
  coreMib: 64, coreReps: 15, nodeCore: true, incremental: false, json: null, out: 'bench/results', port: 4291,
  iscsi: true, onlyIscsi: false,
};

/** The smoke version `npm test` runs: every code path once, on tiny volumes. */
export const SMOKE: Partial<BenchOptions> = {
  smoke: true, reps: 1, scaleReps: 1, mib: 1, scale: [1, 2], rate: 200, coreMib: 2, coreReps: 1, nodeCore: false, out: null,
  iscsi: false,
};

export const USAGE = `npm run bench -- [--reps N] [--scale-reps N] [--mib N] [--scale 64,256,1024,4096]
                     [--rate N] [--core-mib N] [--core-reps N] [--no-node-core]
                     [--json FILE] [--out DIR | --no-report] [--port N] [--smoke] [--incremental]
                     [--no-iscsi | --only-iscsi]
  --incremental  only the incremental series: full against incremental backups at 1, 10 and
                 50 % changed, with the raw copy of as many blocks
  --only-iscsi   only the iSCSI series: READ(16)/WRITE(16) and iscsi-perf against tgtd`;

export function parseArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = { ...DEFAULTS, ...(argv.includes('--smoke') ? SMOKE : {}) };
  const num = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag}: expected a number ≥ ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--smoke': break;
      case '--reps': o.reps = Math.round(num(a, v, 1)); i++; break;
      case '--scale-reps': o.scaleReps = Math.round(num(a, v, 1)); i++; break;
      case '--mib': o.mib = num(a, v, 0.0625); i++; break;
      case '--scale': o.scale = (v ?? '').split(',').map((x) => num(a, x, 0.0625)); i++; break;
      case '--rate': o.rate = num(a, v, 0); i++; break;
      case '--core-mib': o.coreMib = Math.round(num(a, v, 1)); i++; break;
      case '--core-reps': o.coreReps = Math.round(num(a, v, 1)); i++; break;
      case '--no-node-core': o.nodeCore = false; break;
      case '--json': if (!v) throw new Error('--json: expected a file'); o.json = v; i++; break;
      case '--out': if (!v) throw new Error('--out: expected a folder'); o.out = v; i++; break;
      case '--no-report': o.out = null; break;
      case '--port': o.port = Math.round(num(a, v, 1)); i++; break;
      case '--incremental': o.incremental = true; o.nodeCore = false; break;
      case '--no-iscsi': o.iscsi = false; break;
      case '--only-iscsi': o.iscsi = true; o.onlyIscsi = true; o.out = null; break;
      default: throw new Error(`unknown option ${a}\nusage: ${USAGE}`);
    }
  }
  return o;
}

export const blocksOf = (mib: number) => Math.max(16, Math.round((mib * MIB) / BLOCK_BYTES));
export const rangeBlocks = (blocks: number) => Math.max(TRANSFER_BLOCKS, Math.round(blocks * RANGE_FRACTION));

interface Shape {
  blocks: number; pending: number; rate: number; seed: number; name: string; script: Scenario['script'];
  /** Blocks per client write at most (1: single-block writes); 8 by default, as the preset. */
  maxBlocks?: number; dirtyInCache?: number;
}

function scenario(x: Shape): Scenario {
  const maxBlocks = x.maxBlocks ?? 8;
  return validateScenario({
    version: 1, name: x.name, seed: x.seed, mode: 'E3',
    geometry: { blocks: x.blocks, blockBytes: BLOCK_BYTES, cacheSlots: Math.min(1024, x.blocks) },
    initial: { pair: 'duplex', pending: x.pending, dirtyInCache: x.dirtyInCache ?? 0.25 },
    workload: { pattern: 'uniform', rate: x.rate, minBlocks: Math.min(1, maxBlocks), maxBlocks, hotFraction: 0.1, hotWeight: 0.9 },
    script: x.script,
  }, { runtime: 'live' });
}

/** Split at `at`, then back up 10% (or the whole volume). */
function splitThenBackup(blocks: number, at = 0, whole = false): Scenario['script'] {
  return [
    { at, op: 'split' },
    { at, op: 'backup', lba: 0, blocks: whole ? 0 : rangeBlocks(blocks), transferBlocks: TRANSFER_BLOCKS, check: 'unit' },
  ];
}

/**
 * Split acknowledgement as the client sees it: the client writes at `rate` from t = 0 and
 * the split goes out SPLIT_AT_MS later, into the stream of writes (at rate 0, at t = 0).
 * 508 copies the differential meanwhile, so the run reports the fraction left at the split.
 */
export function splitScenario(blocks: number, pending: number, seed: number, rate = 0): Scenario {
  return scenario({ blocks, pending, rate, seed, name: `bench: split ack, ${pending * 100}% pending`, script: splitThenBackup(blocks, rate > 0 ? SPLIT_AT_MS : 0) });
}

/** The default preset (the split and a backup of the whole volume at t = 0, 25 % pending) at `rate`. */
export function presetScenario(rate: number, seed: number, maxBlocks = 8): Scenario {
  return scenario({ blocks: PRESET_BLOCKS, pending: 0.25, rate, seed, maxBlocks, name: 'bench: the default preset', script: splitThenBackup(PRESET_BLOCKS, 0, true) });
}

/**
 * Client writes during backups: the preset's volume backed up three times in a row (resync,
 * split, back up), the client writing `maxBlocks`-block writes at `rate` throughout.
 */
export function backupLoadScenario(rate: number, seed: number, maxBlocks = 1): Scenario {
  const once = splitThenBackup(PRESET_BLOCKS, 0, true);
  return scenario({
    blocks: PRESET_BLOCKS, pending: 0.25, rate, seed, maxBlocks, name: 'bench: writes during E3 backups',
    script: [...once, { at: 0, op: 'resync' }, ...once, { at: 0, op: 'resync' }, ...once],
  });
}

/** The backup measurement: 50% pending, 10% range, the client writing throughout. */
export function backupScenario(blocks: number, rate: number, seed: number): Scenario {
  return scenario({ blocks, pending: BACKUP_PENDING, rate, seed, name: 'bench: backup, 50% pending, 10% range', script: splitThenBackup(blocks) });
}

/** Client latency with no backup: the pair duplex and in sync, a split after `ms` ends the run. */
export function idleScenario(blocks: number, rate: number, seed: number, ms: number, maxBlocks = 8): Scenario {
  return scenario({ blocks, pending: 0, dirtyInCache: 0, rate, seed, maxBlocks, name: 'bench: client idle', script: [{ at: ms, op: 'split' }] });
}

export const BACKUP_MODES: readonly Mode[] = MODES;

/** The incremental series: the fraction of the volume the client changes between two splits. */
export const INCREMENTAL_CHANGED = [0.01, 0.1, 0.5] as const;
/** Client writes per second in that series (each of 8 blocks), and how often it covers its region. */
const INCREMENTAL_RATE = 2000, WRITE_BLOCKS = 8, COVERAGE = 3;

/**
 * Incremental against full (docs/scenario.md "Incremental backups and restore"): a split
 * and a full backup of the whole volume, a resync, then a second split and a backup of
 * level `second`: the incremental, or for comparison a full one of that same split (the
 * same seed gives the same writes, so both find the same blocks pending in 514). The
 * client writes only into the first `changed` of the volume (a hot region with all the
 * writes), long enough between the splits to cover it about three times over, so the
 * incremental holds about that fraction of the volume (the figure reports what it held).
 */
export function incrementalScenario(blocks: number, rate: number, changed: number, seed: number, second: 'full' | 'incremental' = 'incremental'): Scenario {
  const r = Math.max(rate, INCREMENTAL_RATE);
  const gapMs = Math.max(20, Math.round((COVERAGE * changed * blocks * 1000) / (r * WRITE_BLOCKS)));
  const backup = { lba: 0, blocks: 0, transferBlocks: TRANSFER_BLOCKS, check: 'unit' as const };
  return validateScenario({
    version: 1, name: `bench: incremental, ${changed * 100}% changed`, seed, mode: 'E3',
    geometry: { blocks, blockBytes: BLOCK_BYTES, cacheSlots: Math.min(1024, blocks) },
    initial: { pair: 'duplex', pending: 0, dirtyInCache: 0 },
    workload: { pattern: 'hotspot', rate: r, minBlocks: WRITE_BLOCKS, maxBlocks: WRITE_BLOCKS, hotFraction: changed, hotWeight: 1 },
    script: [
      { at: 0, op: 'split' }, { at: 0, op: 'backup', ...backup, level: 'full' }, { at: 0, op: 'resync' },
      { at: gapMs, op: 'split' }, { at: gapMs, op: 'backup', ...backup, level: second },
    ],
  }, { runtime: 'live' });
}

/**
 * OPFS bytes a scale point needs at its peak: a live run stores both volumes and the laid-out
 * tape (plus the journal and metadata, well under 16 MiB); the raw copy, which runs once the
 * live run's files are gone, a volume-sized source and the copied range.
 */
export function bytesNeeded(mib: number): number {
  const vol = blocksOf(mib) * BLOCK_BYTES;
  const range = rangeBlocks(blocksOf(mib)) * BLOCK_BYTES;
  return Math.max(2 * vol + range * 1.01, vol + range) + 16 * MIB;
}

/** Why a scale point cannot run here, or null when it can. */
export function scaleRefusal(mib: number, availableBytes: number | null): string | null {
  const vol = blocksOf(mib) * BLOCK_BYTES;
  if (vol > LIMITS.maxLiveVolumeBytes) {
    return `the scenario format caps a live volume at ${LIMITS.maxLiveVolumeBytes / MIB} MiB (LIMITS.maxLiveVolumeBytes in src/scenario/schema.ts)`;
  }
  if (blocksOf(mib) > LIMITS.maxBlocks) return `the scenario format caps a volume at ${LIMITS.maxBlocks} blocks`;
  if (availableBytes !== null && bytesNeeded(mib) > availableBytes) {
    return `needs ${Math.ceil(bytesNeeded(mib) / MIB)} MiB of OPFS, the quota leaves ${Math.floor(availableBytes / MIB)} MiB`;
  }
  return null;
}

/** The write-ack series (bench-measure.ts) whose stages the report sets side by side. */
export const ACK_SERIES = [['idle', 'no backup'], ['flush', "no backup, 'flush'"], ['backupE3', 'E3 preset'], ['backupE1', 'E1 preset']] as const;
/** The figure of one stage of a series' write acks (src/runtime/ack-stages.ts). */
export const stageKey = (series: string, stage: string, q: 'p50' | 'p99') => `live.writeAck.${series}.stage.${stage}.${q}Ms`;
