/**
 * The one versioned scenario type (docs/architecture.md#scenarios-and-permalinks;
 * docs/scenario.md documents every field). A scenario fixes everything a run depends on, so
 * the same JSON and seed always give the same event log and result.
 */
import { ARRAY_LIMITS } from '../array/memory-507.ts';
import type { E4Via, Mode } from '../array/backup.ts';

export type { E4Via, Mode };

/** Backup modes: their meaning is the controller's (src/array/backup.ts). */
/** The modes whose every backup must verify: the patent's, and the prior art's sync split. */
export const MODES: readonly Mode[] = ['E1', 'E2', 'E2h', 'E3', 'E4', 'sync'];
/** Demonstrations of the problem: expected to fail the point-in-time check whenever a block was pending when streamed. */
export const DEMO_MODES: readonly Mode[] = ['naive'];
/** Every mode a scenario may name (validation, Compare, the CLI's --compare). */
export const ALL_MODES: readonly Mode[] = [...MODES, ...DEMO_MODES];

/** How embodiment 4 makes the range consistent after its combined split (Fig. 11). */
export const E4_VIA: readonly E4Via[] = ['E1', 'E2', 'E3'];

export const PATTERNS = ['uniform', 'hotspot', 'sequential'] as const;
export type Pattern = (typeof PATTERNS)[number];

export type PairOp = 'create' | 'split' | 'resync' | 'delete';

/**
 * When the live runtime acknowledges (docs/live.md#durability): 'written', once a write,
 * a split or a state change is written to its OPFS file (it survives a reload, a crashed tab
 * and a killed browser; flushes run in the background); 'flush', once it is also flushed
 * (it survives an OS crash or a power loss too), which costs a flush on every ack. The sim
 * has no files and ignores it.
 */
export const DURABILITIES = ['written', 'flush'] as const;
export type Durability = (typeof DURABILITIES)[number];

export interface Geometry {
  /** Blocks per volume (P-VOL 601 and S-VOL 602 are the same size). */
  blocks: number;
  /** Bytes per block: a power of two, 512 to 32768 (a tape record holds at least one). */
  blockBytes: number;
  /** Cache slots in 507, one block each. */
  cacheSlots: number;
}

/** The pair at t = 0. */
export interface Initial {
  /** 'duplex': pair formed, `pending` of its blocks not yet on the S-VOL; 'simplex': no pair. */
  pair: 'simplex' | 'duplex';
  /** Fraction of blocks whose update has not reached the S-VOL (bits set in 514). */
  pending: number;
  /** Fraction of the pending blocks whose newest data is still dirty in cache (not destaged). */
  dirtyInCache: number;
}

/** The client server's (101) seeded write stream. */
export interface Workload {
  pattern: Pattern;
  /** Writes per second (Poisson arrivals); 0 = no client I/O. */
  rate: number;
  /** Each write covers a uniform number of blocks in [minBlocks, maxBlocks]. */
  minBlocks: number;
  maxBlocks: number;
  /** hotspot: this fraction of the volume (from LBA 0) receives `hotWeight` of the writes. */
  hotFraction: number;
  hotWeight: number;
}

/** Cost model (src/runtime/cost-model.ts): bandwidths in MB/s (10^6 bytes), times in ms. */
export interface Costs {
  diskReadMBps: number;
  diskWriteMBps: number;
  /** Per I/O (per contiguous run) on a volume. */
  diskLatencyMs: number;
  tapeMBps: number;
  /** Per tape block. */
  tapeLatencyMs: number;
  cacheMBps: number;
  cacheLatencyMs: number;
  /** A processor handling one command (parse, state change, bitmap check). */
  cmdMs: number;
  /** One message between the servers over the LAN (§0013). */
  lanMs: number;
  /** Interval of the backup server's polls (517 state in E2h, copy results in E4). */
  pollMs: number;
}

export interface BackupCmd {
  at: number;
  op: 'backup';
  /** First S-VOL block of the range. */
  lba: number;
  /** Blocks in the range; 0 = to the end of the volume. */
  blocks: number;
  /** Blocks per tape block (the unit the patent checks 514 for, §0028). */
  transferBlocks: number;
  /** Check 514 per transfer unit or for the whole range first (§0028, embodiment 1). */
  check: 'unit' | 'range';
  /**
   * A catalogued backup (docs/scenario.md "Incremental backups and restore"): 'full' starts
   * a chain, 'incremental' writes only the blocks changed since the chain's last backup's
   * split. Absent: a plain backup (no catalog).
   */
  level?: 'full' | 'incremental';
}

/** Puts a catalogued backup back onto a volume: the chain's full, then its incrementals up to `point`. */
export interface RestoreCmd {
  at: number;
  op: 'restore';
  /** The catalog's restore point: 0 for the first catalogued backup on the tape, and so on. */
  point: number;
  /** The backup disk (§0048), or the S-VOL while the pair is split (the next resync copies it back). */
  to: 'disk' | 'svol';
}

export type ScriptCmd = { at: number; op: PairOp } | BackupCmd | RestoreCmd;

/** Fault kinds (docs/scenario.md#faults). */
export const FAULT_KINDS = ['tape-write', 'media-read', 'svol-write', 'quota', 'worker'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** The processors a `worker` fault can stop (in the live runtime, each is a worker). */
export const FAULT_PROCESSORS = ['501', '502', '503', '508'] as const;

/**
 * A fault, armed at virtual time `at` (ms):
 * - tape-write: the first tape block written from then on whose number on the tape is at
 *   least `block` fails (a write error; once);
 * - media-read: reading `lba` of the P-VOL or the S-VOL fails from then on, until the block
 *   is written again (the drive reassigns it, as disks do);
 * - svol-write: the next write to the S-VOL (covering `lba`, if given) fails (once);
 * - quota: the storage has no room left: the tape cannot grow past the size it has then (a
 *   file a failed backup left may be written over; the volumes are laid out before the run
 *   and never grow);
 * - worker: processor `processor` stops for `downMs`, then is restarted.
 */
export type Fault =
  | { at: number; kind: 'tape-write'; block: number }
  | { at: number; kind: 'media-read'; volume: 'pvol' | 'svol'; lba: number }
  | { at: number; kind: 'svol-write'; lba?: number }
  | { at: number; kind: 'quota' }
  | { at: number; kind: 'worker'; processor: (typeof FAULT_PROCESSORS)[number]; downMs: number };

export interface Scenario {
  version: 1;
  name: string;
  seed: number;
  mode: Mode;
  e4Via: E4Via;
  /** The live runtime's acknowledgement point (DURABILITIES above). */
  durability: Durability;
  geometry: Geometry;
  initial: Initial;
  workload: Workload;
  costs: Costs;
  /** Commands in virtual time; the servers issue each no earlier than the previous one's answer. */
  script: ScriptCmd[];
  /** Faults injected at their times (absent: none). */
  faults?: Fault[];
}

/** Caps (validation refuses anything past them, so a sim always fits in memory). */
export const LEVELS = ['full', 'incremental'] as const;
export const RESTORE_TARGETS = ['disk', 'svol'] as const;

export const LIMITS = {
  /** Per volume in the sim, which keeps both volumes in memory. */
  maxVolumeBytes: 256 * 1024 * 1024,
  /**
   * Per volume in the live runtime, whose volumes are OPFS files: the site's quota is the
   * other bound, checked before any write (src/runtime/live/quota.ts).
   */
  maxLiveVolumeBytes: 4 * 1024 * 1024 * 1024,
  maxBlocks: 1 << 20,
  maxCacheSlots: 65536,
  maxRate: 100000,
  maxWriteBlocks: ARRAY_LIMITS.maxWriteBlocks,
  /**
   * One tape transfer unit is one tape record: AWSTAPE readers (Hercules' tapemap, hetget)
   * take records up to 65535 bytes, so a unit never exceeds that.
   */
  maxTransferBytes: ARRAY_LIMITS.maxTransferBytes,
  /** The default unit when a backup names none: 32 KiB records, a common tape block. */
  defaultTransferBytes: 32768,
  maxScript: 64,
  maxFaults: 16,
  /** Longest a `worker` fault keeps a processor stopped. */
  maxDownMs: 60_000,
  maxAtMs: 3_600_000,
} as const;

export const DEFAULT_COSTS: Costs = {
  diskReadMBps: 400,
  diskWriteMBps: 300,
  diskLatencyMs: 0.05,
  tapeMBps: 300,
  tapeLatencyMs: 0.02,
  cacheMBps: 4000,
  cacheLatencyMs: 0.002,
  cmdMs: 0.01,
  lanMs: 0.2,
  pollMs: 1,
};

export const DEFAULT_SCENARIO: Scenario = {
  version: 1,
  name: 'Embodiment 1: priority copy (Figs. 3, 4)',
  seed: 1,
  mode: 'E1',
  e4Via: 'E1',
  durability: 'written',
  geometry: { blocks: 4096, blockBytes: 4096, cacheSlots: 1024 },
  initial: { pair: 'duplex', pending: 0.25, dirtyInCache: 0.25 },
  workload: { pattern: 'uniform', rate: 5000, minBlocks: 1, maxBlocks: 8, hotFraction: 0.1, hotWeight: 0.9 },
  costs: { ...DEFAULT_COSTS },
  script: [
    { at: 0, op: 'split' },
    { at: 0, op: 'backup', lba: 0, blocks: 0, transferBlocks: 8, check: 'unit' },
  ],
};
