/**
 * The parsed backup command (backup parameter info 511, docs/patent.md#parts) and the handle
 * through which its issuer (the sim's backup server 102, or the SCSI copy manager for
 * EXTENDED COPY / RECEIVE COPY RESULTS) reads progress and the outcome at any time.
 */
import { B, BackupState, type Mem507 } from './memory-507.ts';
import { backupFailureDetail, type FailureDetail } from './device-errors.ts';

/**
 * How 503 makes the streamed data equal the split-instant image (docs/patent.md#the-flows):
 * priority = embodiment 1, wait = embodiment 2 (and its Fig. 7 variant, and the prior
 * art's plain backup), staging = embodiment 3. These are the methods the SCSI wire and the
 * live runtime's EXTENDED COPY split modes name
 * (docs/scsi.md#c0h-split-and-copy-vendor-segment-descriptor).
 */
/**
 * Backup modes (docs/patent.md#the-flows): the four embodiments, the Fig. 7 polling variant
 * of embodiment 2 (E2h), the prior art's first weakness (a split that answers only once the
 * differential is copied, 'sync'), and its second weakness ('naive', docs/patent.md#the-problem
 * point 2: a quick split plus an EXTENDED COPY that streams the S-VOL as it is, with no check
 * of 514, so blocks still pending reach the tape stale).
 */
export type Mode = 'E1' | 'E2' | 'E2h' | 'E3' | 'E4' | 'sync' | 'naive';
/** How embodiment 4 makes the range consistent after its combined split (Fig. 11). */
export type E4Via = 'E1' | 'E2' | 'E3';

export type Method = 'priority' | 'wait' | 'staging';
export const METHODS: readonly Method[] = ['priority', 'wait', 'staging'];

/**
 * 511's B.METHOD codes: the three methods, then 'naive', which is no method of the patent
 * but the prior art's second weakness (docs/patent.md#the-problem): 503 streams the
 * S-VOL range as it is, never looking at 514. Only the sim's demonstration mode asks for it
 * (BackupParams.naive); it comes last so the patent's three keep their codes.
 */
export const METHOD_CODES = [...METHODS, 'naive'] as const;
export type MethodCode = (typeof METHOD_CODES)[number];

export interface BackupSegment {
  /** First S-VOL block. */
  lba: number;
  /** Blocks (0 moves nothing and is not an error, as in SPC-4). */
  blocks: number;
  /** Tape (segment 00h) or a disk at an LBA (segment 02h, §0048). */
  dest: { kind: 'tape' } | { kind: 'disk'; lba: number };
}

export interface BackupParams {
  method: Method;
  /** The naive demonstration: stream the S-VOL as it is, ignoring `method` and 514. */
  naive?: boolean;
  segments: BackupSegment[];
  /** Blocks per transfer to the destination (one tape block). */
  transferBlocks: number;
  /** Check 514 over the whole range before streaming (else per transfer unit). */
  checkWholeRange?: boolean;
  /** Embodiment 4: split the pair first, answer at once, then back up. */
  combinedSplit?: boolean;
  /**
   * A catalogued backup (docs/scenario.md "Incremental backups and restore"): 'full' streams
   * the range and starts a chain; 'incremental' streams only the blocks of the range written
   * since the chain's last backup's split (the changed-since-base bitmap). Either appends
   * the tape's catalog. Tape segments only; absent: a plain backup, no catalog.
   */
  level?: 'full' | 'incremental';
}

/** Tape blocks to put back: `blocks` volume blocks from block `block` of tape file `file` on. */
export interface TapeExtent {
  /** Tape file number (1-based). */
  file: number;
  /** Index of the first tape block (record) within the file. */
  block: number;
  /** Volume blocks to read from there on, record after record. */
  blocks: number;
  /** Where the first of them goes on the destination. */
  lba: number;
}

/**
 * A restore (the other half of a backup): tape records back onto a volume, the S-VOL while
 * the pair is split or the backup disk (§0048), through 502, 503 (which reads its tape into
 * 515) and 508 (which writes the destination). Either a catalog point (the chain's full,
 * then its incrementals in order, tape-catalog.ts) or explicit extents (EXTENDED COPY
 * segment 01h, stream → block).
 */
export interface RestoreParams {
  restore: true;
  to: 'svol' | 'disk';
  point?: number;
  extents?: TapeExtent[];
}

export type JobParams = BackupParams | RestoreParams;

export function isRestore(p: JobParams): p is RestoreParams {
  return (p as RestoreParams).restore === true;
}

/** The method each scenario mode uses. */
export function methodOf(mode: Mode, e4Via: E4Via): Method {
  switch (mode) {
    case 'E1': return 'priority';
    case 'E3': return 'staging';
    case 'E4': return e4Via === 'E1' ? 'priority' : e4Via === 'E3' ? 'staging' : 'wait';
    default: return 'wait';
  }
}

export type BackupStatus = 'queued' | 'refused' | 'accepted' | 'holding' | 'running' | 'done' | 'failed';

/**
 * Why a backup failed, as a code its issuer can act on (docs/scsi.md#sense-codes): a
 * volume, the tape or the backup disk failed; the pair left the split state under it (a
 * suspension); the storage ran out of room (quota); its issuer aborted it; anything else.
 */
export type BackupFailure = 'none' | 'device' | 'pair-state' | 'quota' | 'aborted' | 'other';

export class BackupHandle {
  status: BackupStatus = 'queued';
  /** Why it was refused or failed. */
  reason = '';
  /** The failure's kind ('none' unless status is 'failed'). */
  failure: BackupFailure = 'none';
  /** Index of the failing segment, or -1. */
  failedSegment = -1;
  /** The I/O that failed it (device, operation, block), when a device did. */
  detail: FailureDetail | null = null;
  acceptedAt = -1;
  doneAt = -1;
  private final = { blocks: 0, segments: 0, total: 0 };

  constructor(
    readonly id: number,
    readonly params: JobParams,
    private readonly m: Mem507,
    /** Called when 502 answers the command (accepted or refused) and when it ends. */
    readonly onAnswer?: (h: BackupHandle) => void,
    readonly onEnd?: (h: BackupHandle) => void,
  ) {}

  private live(): boolean { return this.m.b(B.ID) === this.id && this.status !== 'done' && this.status !== 'failed'; }

  /** Blocks written to the destination so far. */
  get blocksDone(): number { return this.live() ? this.m.b(B.BLOCKS_DONE) : this.final.blocks; }
  get bytesDone(): number { return this.blocksDone * this.m.L.blockBytes; }
  /** Segments completely processed so far (RECEIVE COPY RESULTS' segments processed). */
  get segmentsDone(): number { return this.live() ? this.m.b(B.SEGS_DONE) : this.final.segments; }
  /** Blocks the job moves in all (known once 503 has planned it: a restore reads its catalog first). */
  get totalBlocks(): number {
    if (this.live() && this.m.b(B.STATE) >= BackupState.RUNNING) return this.m.b(B.TOTAL_BLOCKS);
    if (this.status === 'done' || this.status === 'failed') return this.final.total;
    return isRestore(this.params) ? 0 : this.params.segments.reduce((n, x) => n + x.blocks, 0);
  }

  /** The live state while 503 works on it. */
  get state(): BackupStatus {
    if (!this.live() || this.status === 'queued' || this.status === 'refused') return this.status;
    const s = this.m.b(B.STATE);
    return s === BackupState.HOLDING ? 'holding' : s === BackupState.RUNNING ? 'running' : this.status;
  }

  /** By 502. */
  finish(ok: boolean, t: number, reason = '', failure: BackupFailure = ok ? 'none' : 'other'): void {
    this.final = { blocks: this.m.b(B.BLOCKS_DONE), segments: this.m.b(B.SEGS_DONE), total: this.m.b(B.TOTAL_BLOCKS) };
    this.failedSegment = ok ? -1 : this.m.b(B.FAILED_SEG);
    this.detail = ok ? null : backupFailureDetail(this.m);
    this.status = ok ? 'done' : 'failed';
    this.reason = reason;
    this.failure = ok ? 'none' : failure;
    this.doneAt = t;
    this.onEnd?.(this);
  }
}
