/**
 * The copy engine that runs EXTENDED COPY through the controller's backup path: 502
 * parses the job into 511 and answers, 503 executes it in the pair's backup mode
 * (embodiments 1–3, docs/patent.md#the-flows; the C0h descriptor is embodiment 4's
 * combined split).
 *
 * Which path a job takes (docs/scsi.md#which-engine-runs-a-copy):
 * - C0h split-and-copy, or any read of the S-VOL 602 while a pair exists: the patent's
 *   backup, through 502/503, so the destination gets exactly the split-instant image.
 *   A job of that kind the controller cannot express (a tape record that is not whole
 *   S-VOL blocks, a P-VOL source mixed in, …) is refused before anything moves: reading
 *   a quick-split S-VOL directly would copy blocks that 508 has not brought up to date.
 * - Anything else (the P-VOL to tape or to any disk LU, a disk LU onto the P-VOL, an
 *   unpaired S-VOL): the fallback engine, a copy manager without the patent's modes,
 *   reading the P-VOL through 501 and writing it through 501 like a host (so copies before
 *   write and 514 stay exact, §0016).
 * A copy never writes a paired S-VOL (07/27/00): its image must stay the split instant's.
 */
import type { Controller } from '../array/controller.ts';
import type { BackupFailure, BackupParams, BackupSegment, Method, RestoreParams } from '../array/backup.ts';
import type { TapeDrive, TapePosition } from './tape-drive.ts';
import { HERCULES_MAX_BLOCK } from '../devices/awstape.ts';
import type { CopyControl, CopyEngine, CopyHooks, CopyJob, ResolvedSegment } from './copy-engine.ts';
import { SENSE, type SenseCode, type SenseData } from './sense.ts';
import { deviceSenseOf } from './copy-failure.ts';
import type { SplitMode } from './xcopy-types.ts';

const METHOD_OF: Record<Exclude<SplitMode, 'pair'>, Method> = { priority: 'priority', wait: 'wait', staging: 'staging' };

/** 07/27/00 WRITE PROTECTED (DATA PROTECT): the S-VOL while paired. */
export const WRITE_PROTECTED: SenseCode = { key: 0x7, asc: 0x27, ascq: 0x00 };

/** COPY ABORTED sense for a backup that 503 ended early (docs/scsi.md#sense-codes). */
export function senseOfFailure(f: BackupFailure): SenseCode {
  // A device failed, or the tape ran out of room: its own sense follows (copy-failure.ts).
  if (f === 'device' || f === 'quota') return SENSE.THIRD_PARTY_DEVICE_FAILURE; // 0A/0D/01
  // The S-VOL stopped being a frozen image under the copy (a pair command changed it), or
  // the copy was aborted (ABORT TASK): commands cleared by the device server.
  if (f === 'pair-state' || f === 'aborted') return SENSE.COMMANDS_CLEARED_BY_DEVICE_SERVER; // 0A/2F/02
  return SENSE.INTERNAL_TARGET_FAILURE;
}

type Route =
  | { kind: 'backup'; params: BackupParams }
  | { kind: 'restore'; params: RestoreParams; drive: TapeDrive; end: TapePosition }
  | { kind: 'fallback' }
  | { kind: 'refuse'; sense: SenseData };

const invalidAt = (rs: ResolvedSegment, rel: number): SenseData =>
  ({ ...SENSE.INVALID_FIELD_IN_PARAM, field: { cdb: false, byte: rs.seg.offset + rel } });

export class ArrayEngine implements CopyEngine {
  readonly supportsSplit = true;

  constructor(
    private readonly controller: Controller,
    /** The pair's configured backup mode (scenario mode → methodOf). */
    private readonly method: () => Method,
    private readonly fallback: CopyEngine,
  ) {}

  /** Decides the path (see the file comment); pure, so check() and start() agree. */
  route(job: CopyJob): Route {
    if (job.segments.some((rs) => rs.seg.type === 0x01)) return this.toRestore(job);
    const paired = this.controller.status().p516 !== 'simplex';
    const split = job.segments.some((rs) => rs.seg.type === 0xc0);
    let readsSvol = false;
    for (const rs of job.segments) {
      if (rs.seg.type === 0xc0) continue;
      if (rs.dst.kind === 'disk' && rs.dst.role === 'svol-602' && (paired || split)) return { kind: 'refuse', sense: WRITE_PROTECTED };
      if (rs.src.kind === 'disk' && rs.src.role === 'svol-602') readsSvol = true;
    }
    if (!split && !(paired && readsSvol)) return { kind: 'fallback' };
    return this.toBackup(job);
  }

  /** The controller's form of the job (backup parameter info 511), or why it has none. */
  toBackup(job: CopyJob): Route {
    const segments: BackupSegment[] = [];
    let method = this.method();
    let combinedSplit = false;
    let transferBlocks = 0;
    let bb = 0;
    for (const rs of job.segments) {
      const seg = rs.seg;
      if (seg.type === 0xc0) {
        combinedSplit = true;
        if (seg.mode !== 'pair') method = METHOD_OF[seg.mode];
        continue;
      }
      if (rs.src.kind !== 'disk' || rs.src.role !== 'svol-602') return { kind: 'refuse', sense: invalidAt(rs, 4) };
      bb = rs.src.device.blockBytes;
      if (seg.type === 0x00) {
        // 503 writes one tape block per transfer unit: the record must be whole S-VOL
        // blocks, the same for every segment, with no padded remainder.
        const rec = rs.recordBytes ?? 0;
        if (rec === 0 || rec % bb !== 0 || rs.padLastRecord) return { kind: 'refuse', sense: invalidAt(rs, 9) };
        if (transferBlocks !== 0 && transferBlocks !== rec / bb) return { kind: 'refuse', sense: invalidAt(rs, 9) };
        transferBlocks = rec / bb;
        segments.push({ lba: Number(seg.lba), blocks: seg.blocks, dest: { kind: 'tape' } });
      } else if (seg.type === 0x02) {
        if (rs.dst.kind !== 'disk' || rs.dst.role !== 'disk') return { kind: 'refuse', sense: invalidAt(rs, 6) };
        segments.push({ lba: Number(seg.srcLba), blocks: seg.blocks, dest: { kind: 'disk', lba: Number(seg.dstLba) } });
      }
    }
    // Without a tape segment the unit only paces disk writes; keep it a Hercules-readable size.
    if (transferBlocks === 0) transferBlocks = bb ? Math.max(1, Math.min(16, Math.floor(HERCULES_MAX_BLOCK / bb))) : 1;
    return { kind: 'backup', params: { method, segments, transferBlocks, combinedSplit } };
  }

  /**
   * 01h segments (docs/scsi.md "01h stream → block"): a restore through 502/503/508, from the
   * tape LU's position onto one disk, the backup disk or the S-VOL while the pair is split
   * (a paired S-VOL otherwise takes no writes, 07/27/00; the P-VOL none, 05/26/00). Every
   * record is checked against its segment before a block moves (TapeDrive.plan).
   */
  toRestore(job: CopyJob): Route {
    const first = job.segments[0];
    const drive = first?.src.kind === 'tape' ? first.src.drive : undefined;
    if (!first || !drive) return { kind: 'refuse', sense: { ...SENSE.TARGET_NOT_REACHABLE, commandSpecific: 0 } };
    const dst = first.dst;
    for (const rs of job.segments) {
      // One restore a list: 01h segments from the tape onto the one destination disk.
      if (rs.seg.type !== 0x01) return { kind: 'refuse', sense: invalidAt(rs, 0) };
      if (rs.dst !== dst || rs.dst.kind !== 'disk' || rs.dst.role === 'pvol-601') return { kind: 'refuse', sense: invalidAt(rs, 6) };
    }
    if (dst.kind !== 'disk') return { kind: 'refuse', sense: invalidAt(first, 6) };
    const p516 = this.controller.status().p516;
    if (dst.role === 'svol-602' && p516 !== 'split' && p516 !== 'simplex') return { kind: 'refuse', sense: WRITE_PROTECTED };
    const bb = dst.device.blockBytes;
    const plan = drive.plan(job.segments.map((rs) => {
      const seg = rs.seg as Extract<typeof rs.seg, { type: 0x01 }>;
      return { blocks: seg.blocks, lba: Number(seg.lba), maxRecord: rs.recordBytes ?? 0, blockBytes: bb };
    }));
    if ('segment' in plan) return { kind: 'refuse', sense: { ...SENSE.THIRD_PARTY_DEVICE_FAILURE, commandSpecific: plan.segment } };
    const params: RestoreParams = { restore: true, to: dst.role === 'disk' ? 'disk' : 'svol', extents: plan.extents };
    return { kind: 'restore', params, drive, end: plan.end };
  }

  check(job: CopyJob): SenseData | null {
    const r = this.route(job);
    if (r.kind === 'refuse') return r.sense;
    if (r.kind === 'restore') return this.controller.checkRestore(r.params) === null ? null : SENSE.COMMAND_SEQUENCE_ERROR;
    if (r.kind === 'fallback') return this.fallback.check?.(job) ?? null;
    // A refusal by 502 (pair not split, …) happens before any data moves.
    return this.controller.checkBackup(r.params) === null ? null : SENSE.COMMAND_SEQUENCE_ERROR;
  }

  start(job: CopyJob, hooks: CopyHooks): CopyControl | void {
    const r = this.route(job);
    if (r.kind === 'refuse') { hooks.finish({ segment: 0, sense: r.sense }); return; }
    if (r.kind === 'fallback') return this.fallback.start(job, hooks);
    if (r.kind === 'restore') { this.startRestore(r, hooks); return; }
    const p = r.params;
    // Segment numbers in the job count the C0h descriptor; the controller's do not.
    const offset = job.segments[0]?.seg.type === 0xc0 ? 1 : 0;
    let aborted = false;
    const h = this.controller.startBackup(p, (h) => {
      if (h.status === 'refused') hooks.finish({ segment: 0, sense: aborted ? SENSE.COMMANDS_CLEARED_BY_DEVICE_SERVER : SENSE.COMMAND_SEQUENCE_ERROR });
      else if (p.combinedSplit) hooks.splitDone();
    }, (h) => {
      if (h.status === 'done') hooks.finish();
      else {
        const device = deviceSenseOf(h);
        hooks.finish({ segment: Math.max(0, h.failedSegment) + offset, sense: senseOfFailure(h.failure), ...(device ? { device } : {}) });
      }
    });
    hooks.progressFrom(() => ({
      segments: h.segmentsDone + (offset && h.status !== 'queued' && h.status !== 'refused' ? 1 : 0),
      bytes: h.bytesDone,
    }));
    return { abort: () => { aborted = true; this.controller.abortBackup(h); } };
  }

  /** A restore ends with the tape positioned after the last record it read (SPC-4: the stream moved). */
  private startRestore(r: Extract<Route, { kind: 'restore' }>, hooks: CopyHooks): void {
    const h = this.controller.startRestore(r.params, (h) => {
      if (h.status === 'refused') hooks.finish({ segment: 0, sense: SENSE.COMMAND_SEQUENCE_ERROR });
    }, (h) => {
      if (h.status === 'done') { r.drive.pos = r.end; hooks.finish(); return; }
      hooks.finish({ segment: Math.max(0, h.failedSegment), sense: senseOfFailure(h.failure === 'other' ? 'device' : h.failure) });
    });
    hooks.progressFrom(() => ({ segments: h.segmentsDone, bytes: h.bytesDone }));
  }
}
