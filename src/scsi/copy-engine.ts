/**
 * The seam between the copy manager (list identifiers, status, limits: SCSI) and whatever
 * moves the data. DirectEngine moves it straight between block devices and the tape (a
 * copy manager without the patent's modes); the array adapter hands the same job to the
 * controller's 502/503 backup path, which makes the range consistent first (embodiments
 * 1–4, docs/patent.md#the-flows). Both report through CopyHooks, in virtual time.
 */
import type { Lu } from './lu.ts';
import type { SenseCode, SenseData } from './sense.ts';
import type { CopyPlan, SegmentDescriptor } from './xcopy-types.ts';

/** A segment with its CSCDs resolved to our LUs and ranges already checked (0A/0D/02). */
export interface ResolvedSegment {
  readonly index: number;
  readonly seg: SegmentDescriptor;
  readonly src: Lu;
  readonly dst: Lu;
  /** For 00h: bytes per tape record, and whether a short last record is zero padded. */
  readonly recordBytes?: number;
  readonly padLastRecord?: boolean;
}

export interface CopyJob {
  readonly listId: number;
  readonly plan: CopyPlan;
  readonly segments: readonly ResolvedSegment[];
  /** The LU the EXTENDED COPY arrived on (604 for the backup server, docs/patent.md#parts). */
  readonly lun: number;
}

export interface CopyFailure {
  /** Index of the failing segment (COPY ABORTED bytes 10–11, docs/scsi.md#sense-codes). */
  readonly segment: number;
  readonly sense: SenseCode;
  /** The copy source or destination whose I/O failed, with the sense it answered. */
  readonly device?: DeviceSense;
}

/** A copy target device's own failure, carried inside COPY ABORTED (copy-failure.ts). */
export interface DeviceSense {
  readonly role: 'source' | 'destination';
  readonly sense: SenseData;
}

export interface CopyHooks {
  /** Progress for RECEIVE COPY RESULTS 00h: segments done so far, bytes moved so far. */
  progress(segmentsProcessed: number, bytes: number): void;
  /** C0h only: the pair is split (516 split, 517 split-pending); §0038 early answer. */
  splitDone(): void;
  /** Or: a live source the copy manager reads whenever RECEIVE COPY RESULTS asks. */
  progressFrom(source: () => { segments: number; bytes: number }): void;
  /** The copy ended: without failure, or aborted at a segment. Called exactly once. */
  finish(failure?: CopyFailure): void;
}

/** What the copy manager can do to a copy an engine runs. */
export interface CopyControl {
  /**
   * Stop moving data (ABORT TASK): the engine ends the copy through hooks.finish with
   * COPY ABORTED 0A/2F/02 at the segment it was in, as soon as no data is in flight.
   */
  abort(): void;
}

export interface CopyEngine {
  /** Whether C0h split-and-copy can run here (needs a pair, i.e. the controller). */
  readonly supportsSplit: boolean;
  /** Refusal found before anything is registered or moved (CHECK CONDITION), or null. */
  check?(job: CopyJob): SenseData | null;
  start(job: CopyJob, hooks: CopyHooks): CopyControl | void;
}
