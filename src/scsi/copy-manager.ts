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
 *
 * List identifiers and held results belong to the I_T nexus the EXTENDED COPY came on
 * (SPC-4 6.4.3.2, 6.18: an id is unique per nexus, and RECEIVE COPY RESULTS reports the
 * copies of the nexus it comes on), so two initiators may both use id 1. A nexus is any
 * string the transport names it by (the JSON wire has one, '').
 */
import type { CopyControl, CopyEngine, CopyFailure, CopyJob } from './copy-engine.ts';
import type { CopyLimits } from './copy-limits.ts';
import { STATUS_BYTE, type ScsiResult } from './lu.ts';
import {
  type CopyState, encodeCopyStatus, encodeFailedSegment, encodeOperatingParameters,
} from './receive-copy-results.ts';
import { SENSE, ScsiError, fail } from './sense.ts';
import { copyAbortedSense } from './copy-failure.ts';
import type { ListIdUsage } from './xcopy-types.ts';

interface CopyRecord {
  readonly key: string;
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

/** A running copy, as the transport may end it (ABORT TASK). */
export interface RunningCopy {
  /** Stops the copy; `stopped` is called once no data moves any more (at once if it had ended). */
  abort(stopped: () => void): void;
}

const keyOf = (nexus: string, listId: number) => `${listId}@${nexus}`;

export class CopyManager {
  private readonly records = new Map<string, CopyRecord>();
  private running = 0;

  constructor(readonly limits: CopyLimits, private readonly engine: CopyEngine) {}

  get supportsSplit(): boolean { return this.engine.supportsSplit; }

  /** Number of copies running now (tests; the UI). */
  get runningCopies(): number { return this.running; }

  /**
   * Starts a validated, resolved copy. Throws ScsiError 05/00/16 if the list identifier
   * belongs to a copy running on the same nexus, 05/55/03 past the concurrency limit.
   * `answer` is called once with the EXTENDED COPY's own result.
   */
  start(job: CopyJob, answer: (r: ScsiResult) => void, nexus = ''): RunningCopy {
    const usage = job.plan.listIdUsage;
    const key = keyOf(nexus, job.listId);
    const prior = usage === 'none' ? undefined : this.records.get(key);
    if (prior?.state === 'in progress') fail(SENSE.OPERATION_IN_PROGRESS, { cdb: false, byte: 0 });
    if (this.running >= this.limits.totalConcurrentCopies) fail(SENSE.INSUFFICIENT_RESOURCES);
    const refused = this.engine.check?.(job);
    if (refused) throw new ScsiError(refused, 'refused by the copy engine');
    const rec: CopyRecord = {
      key, listId: job.listId, usage, state: 'in progress', segmentsProcessed: 0, bytes: 0,
      endReported: false, failureReported: false,
    };
    if (usage !== 'none') {
      this.records.delete(key); // replaced: re-inserted last, newest in Map order
      this.records.set(key, rec);
    }
    this.running++;
    const early = job.segments[0]?.seg.type === 0xc0 && job.segments[0].seg.early;
    let answered = false;
    const reply = (r: ScsiResult): void => { if (!answered) { answered = true; answer(r); } };
    let ended = false;
    const ends: (() => void)[] = [];
    const control: CopyControl | void = this.engine.start(job, {
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
        if (usage === 'discard' && this.records.get(key) === rec) this.records.delete(key);
        this.evict();
        for (const f of ends.splice(0)) f();
      },
    });
    return {
      abort: (stopped) => {
        if (ended) { stopped(); return; }
        ends.push(stopped);
        control?.abort();
      },
    };
  }

  /** RECEIVE COPY RESULTS 00h. Unknown list identifier: 05/24/00 at CDB byte 2 (SPC-4). */
  copyStatus(listId: number, nexus = ''): Uint8Array {
    const rec = this.lookup(nexus, listId);
    this.sample(rec);
    const data = encodeCopyStatus({
      state: rec.state, heldDataDiscarded: false, segmentsProcessed: rec.segmentsProcessed, bytes: rec.bytes,
    });
    if (rec.state !== 'in progress') { rec.endReported = true; this.release(rec); }
    return data;
  }

  /** RECEIVE COPY RESULTS 04h: the failing segment's sense, once the copy has ended. */
  failedSegmentDetails(listId: number, nexus = ''): Uint8Array {
    const rec = this.lookup(nexus, listId);
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

  private lookup(nexus: string, listId: number): CopyRecord {
    const rec = this.records.get(keyOf(nexus, listId));
    if (!rec) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 2 }, `no copy with list identifier ${listId}`);
    return rec;
  }

  private release(rec: CopyRecord): void {
    if (rec.endReported && (rec.failureSense === undefined || rec.failureReported)) {
      if (this.records.get(rec.key) === rec) this.records.delete(rec.key);
    }
  }

  private evict(): void {
    let finished = [...this.records.values()].filter((r) => r.state !== 'in progress');
    while (finished.length > this.limits.heldStatusRecords) {
      this.records.delete(finished[0]!.key);
      finished = finished.slice(1);
    }
  }
}
