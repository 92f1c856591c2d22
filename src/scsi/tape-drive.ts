/**
 * The tape LU's drive (docs/scsi.md "The tape LU"): a position on the AWSTAPE image 303 and
 * the SSC-3 subset a host needs to read a backup back: REWIND, SPACE(6) forward over
 * blocks or filemarks, READ(6) of variable blocks. EXTENDED COPY segment 01h (stream →
 * block) reads from this position too, as SPC-4 says a copy reads a stream device where it
 * stands: plan() turns a list's 01h segments into tape extents and the position after them.
 * Writes (backups, segment 00h) always append at the end of the data, whatever the position.
 *
 * Positions are (file, block): tape file 1-based as `hetget` counts, block 0-based in it;
 * block = the file's block count means "at its filemark".
 */
import type { TapeSource } from '../devices/awstape.ts';
import { TapeIndex } from '../devices/tape-index.ts';
import type { ScsiResult } from './lu.ts';
import { SENSE, encodeSense, type SenseData } from './sense.ts';

export interface TapePosition { file: number; block: number }

/** One 01h segment as plan() needs it. */
export interface StreamRead { blocks: number; lba: number; maxRecord: number; blockBytes: number }

export interface TapeExtentPlan { file: number; block: number; blocks: number; lba: number }

const check = (s: SenseData, dataIn?: Uint8Array): ScsiResult => ({ status: 'CHECK CONDITION', sense: encodeSense(s), ...(dataIn ? { dataIn } : {}) });

export class TapeDrive {
  private readonly index: TapeIndex;
  pos: TapePosition = { file: 1, block: 0 };

  constructor(src: TapeSource) { this.index = new TapeIndex(src); }

  private files() { return this.index.refresh().files; }

  rewind(): ScsiResult {
    this.pos = { file: 1, block: 0 };
    return { status: 'GOOD' };
  }

  /** SPACE(6) forward: stops at a filemark when spacing blocks, and at the end of the data. */
  space(code: 'blocks' | 'filemarks', count: number): ScsiResult {
    const files = this.files();
    for (let i = 0; i < count; i++) {
      const f = files[this.pos.file - 1];
      if (!f || (this.pos.block >= f.blocks.length && !f.terminated)) return check({ ...SENSE.END_OF_DATA, information: count - i });
      if (code === 'filemarks') {
        if (!f.terminated) { this.pos = { file: this.pos.file, block: f.blocks.length }; return check({ ...SENSE.END_OF_DATA, information: count - i }); }
        this.pos = { file: this.pos.file + 1, block: 0 };
      } else if (this.pos.block < f.blocks.length) {
        this.pos = { file: this.pos.file, block: this.pos.block + 1 };
      } else {
        // A filemark where a block was to be: the position goes past it (SSC-3 7.8).
        this.pos = { file: this.pos.file + 1, block: 0 };
        return check({ ...SENSE.FILEMARK_DETECTED, filemark: true, information: count - i });
      }
    }
    return { status: 'GOOD' };
  }

  /** READ(6), variable blocks: one record; a shorter or longer one says so (ILI) unless SILI. */
  read(transferLength: number, sili: boolean): ScsiResult {
    const f = this.files()[this.pos.file - 1];
    if (!f || (this.pos.block >= f.blocks.length && !f.terminated)) return check({ ...SENSE.END_OF_DATA, information: transferLength });
    if (this.pos.block >= f.blocks.length) {
      this.pos = { file: this.pos.file + 1, block: 0 };
      return check({ ...SENSE.FILEMARK_DETECTED, filemark: true, information: transferLength });
    }
    const rec = this.index.read(this.pos.file, this.pos.block);
    this.pos = { file: this.pos.file, block: this.pos.block + 1 };
    if (rec.byteLength === transferLength || (rec.byteLength < transferLength && sili)) return { status: 'GOOD', dataIn: rec };
    // INFORMATION: the requested length minus the record's (negative when it was longer).
    return check({ ...SENSE.NONE, ili: true, information: transferLength - rec.byteLength }, rec.subarray(0, Math.min(rec.byteLength, transferLength)));
  }

  /**
   * The tape extents of 01h segments read from the current position, record after record,
   * and the position after them; or the first segment whose records do not fit: a record
   * that is not whole destination blocks, longer than the segment's STREAM DEVICE TRANSFER
   * LENGTH or than the blocks it still needs (held data is not supported), or a filemark or
   * the end of the data before its blocks are read. Nothing moves before this has passed.
   */
  plan(reads: readonly StreamRead[]): { extents: TapeExtentPlan[]; end: TapePosition } | { segment: number; why: string } {
    const files = this.files();
    let { file, block } = this.pos;
    const extents: TapeExtentPlan[] = [];
    for (const [i, r] of reads.entries()) {
      extents.push({ file, block, blocks: r.blocks, lba: r.lba });
      for (let left = r.blocks; left > 0; block++) {
        const len = files[file - 1]?.blocks[block]?.length;
        if (len === undefined) return { segment: i, why: `a filemark or the end of the data at file ${file} block ${block}` };
        if (len > r.maxRecord) return { segment: i, why: `record ${block} of file ${file} (${len} bytes) is longer than the stream transfer length ${r.maxRecord}` };
        if (len % r.blockBytes !== 0 || len / r.blockBytes > left) return { segment: i, why: `record ${block} of file ${file} (${len} bytes) is not whole blocks within the ${left} the segment still needs` };
        left -= len / r.blockBytes;
      }
    }
    return { extents, end: { file, block } };
  }
}
