/**
 * A copy engine that moves data directly between BlockDevices and a StreamSink in bounded
 * steps of virtual time: segment 02h block → block (a disk as backup device, §0048) and
 * 00h block → stream (to the tape). It has no pair and no differential, so it is exactly
 * the prior-art copy manager the patent improves on (docs/patent.md#the-problem). The
 * array adapter (array-engine.ts) sends it only copies that involve no pair: from the P-VOL,
 * or from an unpaired S-VOL; backups of a split S-VOL run through 502/503. A destination LU
 * with writeAsync (the P-VOL) takes each chunk through it, so a copy onto the P-VOL goes
 * through 501 as a host write does: copy before write and 514 see it (§0016).
 */
import { DeviceError } from '../devices/block-device.ts';
import type { Clock } from './clock.ts';
import type { CopyControl, CopyEngine, CopyHooks, CopyJob, ResolvedSegment } from './copy-engine.ts';
import { SENSE, ScsiError, type SenseData } from './sense.ts';

export interface CostModel {
  /** Disk read/write bandwidth, bytes per virtual ms. */
  diskBytesPerMs: number;
  /** Tape bandwidth, bytes per virtual ms. */
  tapeBytesPerMs: number;
  /** Blocks moved per step: the granularity at which RECEIVE COPY RESULTS sees progress. */
  chunkBlocks: number;
}

export const DEFAULT_COST: CostModel = { diskBytesPerMs: 200_000, tapeBytesPerMs: 100_000, chunkBlocks: 64 };

export class DirectEngine implements CopyEngine {
  /** No pair here: C0h split-and-copy is refused (05/26/09) by the resolver. */
  readonly supportsSplit = false;
  constructor(
    private readonly clock: Clock,
    private readonly cost: CostModel = DEFAULT_COST,
  ) {}

  start(job: CopyJob, hooks: CopyHooks): CopyControl {
    let segIdx = 0;
    let done = 0;
    let bytes = 0;
    let blockPos = 0;
    let aborted = false;
    const records = new RecordAssembler();

    const fail = (rs: ResolvedSegment, e: unknown): void => {
      // A device failing mid-copy is COPY ABORTED, third-party device failure (0A/0D/01);
      // a LU refusing the write keeps its own sense (07/27/00 on a paired S-VOL).
      const sense = e instanceof ScsiError ? e.sense
        : e instanceof DeviceError ? SENSE.THIRD_PARTY_DEVICE_FAILURE : SENSE.INTERNAL_TARGET_FAILURE;
      hooks.finish({ segment: rs.index, sense });
    };
    const step = (): void => {
      const rs = job.segments[segIdx];
      if (!rs) { hooks.finish(); return; }
      // Stopped between chunks, so no write is half done (docs/iscsi.md#task-management).
      if (aborted) { hooks.finish({ segment: rs.index, sense: SENSE.COMMANDS_CLEARED_BY_DEVICE_SERVER }); return; }
      try {
        this.runChunk(rs, blockPos, records, (r, err) => {
          if (err) { fail(rs, err); return; }
          blockPos += r.blocks;
          bytes += r.bytes;
          if (r.finished) { segIdx++; done++; blockPos = 0; }
          hooks.progress(done, bytes);
          this.clock.after(r.ms, step);
        });
      } catch (e) {
        fail(rs, e);
      }
    };
    this.clock.after(0, step);
    return { abort: () => { aborted = true; } };
  }

  /**
   * Moves one chunk of a segment and calls `moved` with what it moved, its cost, and
   * whether the segment ended: at once, or, for a LU whose writes are acknowledged later
   * (the P-VOL through 501, §0016), once the write is.
   */
  private runChunk(rs: ResolvedSegment, pos: number, records: RecordAssembler,
    moved: (r: { blocks: number; bytes: number; ms: number; finished: boolean }, err?: SenseData) => void): void {
    const seg = rs.seg;
    if (seg.type === 0xc0) throw new Error('split-and-copy needs the controller');
    if (seg.type === 0x01) throw new Error('a restore (01h) needs the controller');
    if (rs.src.kind !== 'disk') throw new Error('source is not a disk');
    const src = rs.src.device;
    const n = Math.min(this.cost.chunkBlocks, seg.blocks - pos);
    const buf = new Uint8Array(n * src.blockBytes);
    const srcLba = Number(seg.type === 0x02 ? seg.srcLba : seg.lba) + pos;
    if (n > 0) src.read(srcLba, n, buf);
    let ms = buf.length / this.cost.diskBytesPerMs;
    const finished = pos + n >= seg.blocks;
    if (seg.type === 0x02) {
      const dst = rs.dst;
      if (dst.kind !== 'disk') throw new Error('destination is not a disk');
      ms += buf.length / this.cost.diskBytesPerMs;
      const r = { blocks: n, bytes: buf.length, ms, finished };
      if (n > 0 && dst.writeAsync) {
        dst.writeAsync(Number(seg.dstLba) + pos, n, buf, (err) => moved(r, err));
        return;
      }
      if (n > 0) dst.device.write(Number(seg.dstLba) + pos, n, buf);
      moved(r);
      return;
    }
    if (rs.dst.kind !== 'tape') throw new Error('destination is not a tape');
    records.push(rs, buf, finished);
    ms += buf.length / this.cost.tapeBytesPerMs;
    moved({ blocks: n, bytes: buf.length, ms, finished });
  }
}

/**
 * Cuts a segment's stream into tape records of its STREAM DEVICE TRANSFER LENGTH (not our
 * chunk size); the last record is short (variable blocks) or zero padded (fixed + PAD).
 */
export class RecordAssembler {
  private rest = new Uint8Array(0);

  push(rs: ResolvedSegment, data: Uint8Array, last: boolean): void {
    if (rs.dst.kind !== 'tape') return;
    const rec = rs.recordBytes!;
    const all = new Uint8Array(this.rest.length + data.length);
    all.set(this.rest);
    all.set(data, this.rest.length);
    let o = 0;
    for (; all.length - o >= rec; o += rec) rs.dst.sink.writeRecord(all.slice(o, o + rec));
    let rest = all.slice(o);
    if (last && rest.length > 0) {
      if (rs.padLastRecord) { const p = new Uint8Array(rec); p.set(rest); rest = p; }
      rs.dst.sink.writeRecord(rest);
      rest = new Uint8Array(0);
    }
    this.rest = rest;
  }
}
