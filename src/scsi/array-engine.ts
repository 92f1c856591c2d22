/**
 * The copy engine that runs EXTENDED COPY through the controller's backup path: 502
 * parses the job into 511 and answers, 503 executes it in the pair's backup mode
 * (SPEC.md embodiments 1–3; the C0h descriptor is embodiment 4's combined split). Only
 * jobs that read the S-VOL 602 and write the tape or the backup disk are the patent's
 * backups; any other copy (say P-VOL → tape) is not, and runs on the fallback engine, a
 * copy manager without the patent's modes.
 */
import type { Controller } from '../array/controller.ts';
import type { BackupParams, BackupSegment, Method } from '../array/backup.ts';
import type { CopyEngine, CopyHooks, CopyJob } from './copy-engine.ts';
import { SENSE, type SenseData } from './sense.ts';
import type { SplitMode } from './xcopy-types.ts';

const METHOD_OF: Record<Exclude<SplitMode, 'pair'>, Method> = { priority: 'priority', wait: 'wait', staging: 'staging' };

export class ArrayEngine implements CopyEngine {
  readonly supportsSplit = true;

  constructor(
    private readonly controller: Controller,
    /** The pair's configured backup mode (scenario mode → methodOf). */
    private readonly method: () => Method,
    private readonly fallback: CopyEngine,
  ) {}

  /** The controller's form of the job, or null when it is not an S-VOL backup. */
  toBackup(job: CopyJob): BackupParams | null {
    const segments: BackupSegment[] = [];
    let method = this.method();
    let combinedSplit = false;
    let transferBlocks = 0;
    for (const rs of job.segments) {
      const seg = rs.seg;
      if (seg.type === 0xc0) {
        combinedSplit = true;
        if (seg.mode !== 'pair') method = METHOD_OF[seg.mode];
        continue;
      }
      if (rs.src.kind !== 'disk' || rs.src.role !== 'svol-602') return null;
      const bb = rs.src.device.blockBytes;
      if (seg.type === 0x00) {
        // The controller writes one tape block per transfer unit: the record must be
        // whole S-VOL blocks, and the same for every segment, with no padded remainder.
        const rec = rs.recordBytes ?? 0;
        if (rec === 0 || rec % bb !== 0 || rs.padLastRecord) return null;
        if (transferBlocks !== 0 && transferBlocks !== rec / bb) return null;
        transferBlocks = rec / bb;
        segments.push({ lba: Number(seg.lba), blocks: seg.blocks, dest: { kind: 'tape' } });
      } else {
        if (rs.dst.kind !== 'disk' || rs.dst.role !== 'disk') return null;
        segments.push({ lba: Number(seg.srcLba), blocks: seg.blocks, dest: { kind: 'disk', lba: Number(seg.dstLba) } });
      }
    }
    if (!combinedSplit && segments.length === 0) return null;
    return { method, segments, transferBlocks: transferBlocks || 16, combinedSplit };
  }

  check(job: CopyJob): SenseData | null {
    const p = this.toBackup(job);
    if (!p) return this.fallback.check?.(job) ?? null;
    const why = this.controller.checkBackup(p);
    // A refusal by 502 (pair not split, no backup disk, …) happens before any data moves.
    return why === null ? null : SENSE.COMMAND_SEQUENCE_ERROR;
  }

  start(job: CopyJob, hooks: CopyHooks): void {
    const p = this.toBackup(job);
    if (!p) { this.fallback.start(job, hooks); return; }
    // Segment numbers in the job count the C0h descriptor; the controller's do not.
    const offset = job.segments[0]?.seg.type === 0xc0 ? 1 : 0;
    const h = this.controller.startBackup(p, (h) => {
      if (h.status === 'refused') hooks.finish({ segment: 0, sense: SENSE.COMMAND_SEQUENCE_ERROR });
      else if (p.combinedSplit) hooks.splitDone();
    }, (h) => {
      if (h.status === 'done') hooks.finish();
      else hooks.finish({ segment: Math.max(0, h.failedSegment) + offset, sense: SENSE.THIRD_PARTY_DEVICE_FAILURE });
    });
    hooks.progressFrom(() => ({
      segments: h.segmentsDone + (offset && h.status !== 'queued' && h.status !== 'refused' ? 1 : 0),
      bytes: h.bytesDone,
    }));
  }
}
