/**
 * The copy manager's bookkeeping (SPC-4 6.4, docs/scsi.md#extended-copy-lid1): list
 * identifiers, running copies, status held for RECEIVE COPY RESULTS, and the limits. The
 * data itself is moved by a CopyEngine. Completion follows SPC-4: the EXTENDED COPY answers
 * when the copy is done, while RECEIVE COPY RESULTS 00h reports progress meanwhile; the C0h
 * split-and-copy with EARLY answers once the split is done and the backup server polls
 * (§0038, docs/patent.md#embodiment-4-one-combined-command).
 *
 * Holding (LIST ID USAGE): 00b hold keeps the record after the end until COPY STATUS has
 * reported the end (and FAILED SEGMENT DETAILS the failure, if any), or until a new copy
 * reuses the id, or until more than limits.heldStatusRecords are held (oldest dropped).
 * 10b discard drops it when the copy ends; 11b none never creates one.
 */
import type { CopyEngine, CopyFailure, CopyJob } from './copy-engine.ts';
import type { CopyLimits } from './copy-limits.ts';
import { STATUS_BYTE, type ScsiResult } from './lu.ts';
import {
  type CopyState, encodeCopyStatus, encodeFailedSegment, encodeOperatingParameters,
} from './receive-copy-results.ts';
import { SENSE, ScsiError, fail } from './sense.ts';
import { copyAbortedSense } from './copy-failure.ts';
import type { ListIdUsage } from './xcopy-types.ts';

interface CopyRecord {
  readonly listId: number;
  readonly usage: ListIdUsage;
  state: CopyState;
  segmentsProcessed: number;
  bytes: number;
  failureSense?: Uint8Array;
  source?: () => { segments: number; bytes: number };
  endReported: boolean;
  failureReported: boolean;
}

export class CopyManager {
  private readonly records = new Map<number, CopyRecord>();
  private running = 0;

  constructor(readonly limits: CopyLimits, private readonly engine: CopyEngine) {}

  get supportsSplit(): boolean { return this.engine.supportsSplit; }

  /** Number of copies running now (tests; the UI). */
  get runningCopies(): number { return this.running; }

  /**
   * Starts a validated, resolved copy. Throws ScsiError 05/00/16 if the list identifier
   * belongs to a running copy, 05/55/03 past the concurrency limit. `answer` is called
   * once with the EXTENDED COPY's own result.
   */
  start(job: CopyJob, answer: (r: ScsiResult) => void): void {
    const usage = job.plan.listIdUsage;
    const prior = usage === 'none' ? undefined : this.records.get(job.listId);
    if (prior?.state === 'in progress') fail(SENSE.OPERATION_IN_PROGRESS, { cdb: false, byte: 0 });
    if (this.running >= this.limits.totalConcurrentCopies) fail(SENSE.INSUFFICIENT_RESOURCES);
    const refused = this.engine.check?.(job);
    if (refused) throw new ScsiError(refused, 'refused by the copy engine');
    const rec: CopyRecord = {
      listId: job.listId, usage, state: 'in progress', segmentsProcessed: 0, bytes: 0,
      endReported: false, failureReported: false,
    };
    if (usage !== 'none') {
      this.records.delete(job.listId); // replaced: re-inserted last, newest in Map order
      this.records.set(job.listId, rec);
    }
    this.running++;
    const early = job.segments[0]?.seg.type === 0xc0 && job.segments[0].seg.early;
    let answered = false;
    const reply = (r: ScsiResult): void => { if (!answered) { answered = true; answer(r); } };
    let ended = false;
    this.engine.start(job, {
      progress: (segs, bytes) => { rec.segmentsProcessed = segs; rec.bytes = bytes; },
      progressFrom: (source) => { rec.source = source; },
      splitDone: () => { if (early) reply({ status: 'GOOD' }); },
      finish: (failure?: CopyFailure) => {
        if (ended) return;
        ended = true;
        this.sample(rec);
        rec.source = undefined;
        this.running--;
        if (failure) {
          const sense = copyAbortedSense(failure);
          rec.state = 'completed with errors';
          rec.failureSense = sense;
          reply({ status: 'CHECK CONDITION', sense });
        } else {
          rec.state = 'completed';
          reply({ status: 'GOOD' });
        }
        if (usage === 'discard' && this.records.get(rec.listId) === rec) this.records.delete(rec.listId);
        this.evict();
      },
    });
  }

  /** RECEIVE COPY RESULTS 00h. Unknown list identifier: 05/24/00 at CDB byte 2 (SPC-4). */
  copyStatus(listId: number): Uint8Array {
    const rec = this.lookup(listId);
    this.sample(rec);
    const data = encodeCopyStatus({
      state: rec.state, heldDataDiscarded: false, segmentsProcessed: rec.segmentsProcessed, bytes: rec.bytes,
    });
    if (rec.state !== 'in progress') { rec.endReported = true; this.release(rec); }
    return data;
  }

  /** RECEIVE COPY RESULTS 04h: the failing segment's sense, once the copy has ended. */
  failedSegmentDetails(listId: number): Uint8Array {
    const rec = this.lookup(listId);
    if (rec.state === 'in progress' || !rec.failureSense) return encodeFailedSegment(null);
    const data = encodeFailedSegment({ commandStatus: STATUS_BYTE['CHECK CONDITION'], sense: rec.failureSense });
    rec.failureReported = true;
    this.release(rec);
    return data;
  }

  /** RECEIVE COPY RESULTS 03h, straight from the enforced limits. */
  operatingParameters(): Uint8Array {
    return encodeOperatingParameters(this.limits);
  }

  private sample(rec: CopyRecord): void {
    if (!rec.source) return;
    const p = rec.source();
    rec.segmentsProcessed = p.segments;
    rec.bytes = p.bytes;
  }

  private lookup(listId: number): CopyRecord {
    const rec = this.records.get(listId);
    if (!rec) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 2 }, `no copy with list identifier ${listId}`);
    return rec;
  }

  private release(rec: CopyRecord): void {
    if (rec.endReported && (rec.failureSense === undefined || rec.failureReported)) {
      if (this.records.get(rec.listId) === rec) this.records.delete(rec.listId);
    }
  }

  private evict(): void {
    let finished = [...this.records.values()].filter((r) => r.state !== 'in progress');
    while (finished.length > this.limits.heldStatusRecords) {
      this.records.delete(finished[0]!.listId);
      finished = finished.slice(1);
    }
  }
}
