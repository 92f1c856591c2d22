/**
 * The tape 303 (docs/patent.md#parts) as an AWSTAPE image, the virtual tape format of the
 * Hercules emulator (docs/architecture.md#the-tape), so a backup made in the
 * browser can be read by Hercules' `tapemap` and `hetget`.
 *
 * Layout: every segment is a 6-byte header then its data.
 *   bytes 0–1  u16 LE current length (data bytes after this header)
 *   bytes 2–3  u16 LE previous length (the current length of the header before, 0 first)
 *   byte  4    flags1: 80h new record, 40h tapemark, 20h end of record
 *   byte  5    flags2: 0 (HET compression bits; plain AWSTAPE never sets them)
 * A block ≤ 65535 bytes is one segment A0h; a larger one is split into segments, the first
 * 80h, the middle 00h, the last 20h. A tapemark is a header of length 0 and flags1 40h.
 *
 * Semantics checked against Hercules' own readers (awstape.c read_awstape, hetlib.c het_read):
 * - Previous length is per segment and a tapemark's length is 0, so the header after a
 *   tapemark says previous = 0.
 * - A 0-byte data block is NOT allowed here: Hercules' read_awstape counts a 0-length
 *   record as a tapemark (it tests blklen == 0), while hetlib returns it as an empty block,
 *   so the two tools would disagree. The writer throws and the reader rejects it.
 * - Hercules' tools read blocks of at most 65535 bytes (MAX_BLKLEN, HETMAX_BLOCKSIZE);
 *   larger, segmented blocks are valid AWSTAPE and read here, but `hetget` will report an
 *   overflow on them. The backup path should keep stream blocks ≤ HERCULES_MAX_BLOCK.
 */
import type { TapeEnd } from './awstape-resume.ts';

export const AWS_HEADER_BYTES = 6;
/** Largest segment: the length field is 16 bits. */
export const AWS_MAX_SEGMENT = 0xffff;
/** Largest block Hercules' tapemap/hetget accept (MAX_BLKLEN / HETMAX_BLOCKSIZE). */
export const HERCULES_MAX_BLOCK = 0xffff;

export const FLAG1_NEWREC = 0x80;
export const FLAG1_TAPEMARK = 0x40;
export const FLAG1_ENDREC = 0x20;

/** A malformed image: where (byte offset of the offending header) and why. */
export class AwsTapeError extends Error {
  readonly offset: number;
  readonly reason: string;
  constructor(offset: number, reason: string) {
    super(`AWSTAPE image malformed at byte ${offset}: ${reason}`);
    this.name = 'AwsTapeError';
    this.offset = offset;
    this.reason = reason;
  }
}

export interface AwsTapeWriterOptions {
  /**
   * Receives the image in order, one segment at a time as its 6-byte header and its data,
   * e.g. to append both to an OPFS file. Both are views valid only during the call (the
   * header is reused, the data is the caller's own buffer): a tape stream then costs no
   * allocation per block: in Chromium an OPFS append from a fresh buffer is several times
   * slower than from a reused one (docs/live.md "Shaping the I/O for OPFS"). Without a sink
   * the writer keeps copies and bytes() returns the image.
   */
  sink?: (header: Uint8Array, data: Uint8Array) => void;
  /**
   * Called after each tapemark: that is where a drive writes its buffer to the medium
   * (SSC-3 WRITE FILEMARKS with IMMED = 0), so a backup reported done is on the tape.
   */
  flush?: () => void;
  /**
   * With a sink: reads the image back (503 reading its tape for a restore or its catalog,
   * tape-index.ts). Only bytes already committed to the medium are asked for.
   */
  read?: (at: number, into: Uint8Array) => void;
  /**
   * Called by commit(): the blocks handed to the sink since the last commit may now reach
   * the medium in one call, as a fixed-block WRITE of several blocks does (SSC-3 WRITE(6)
   * with FIXED = 1). A sink that writes at once needs none.
   */
  commit?: () => void;
  /**
   * Called by discardPartial(): the medium is positioned back to `bytes`, the end of the
   * last tapemark, so the next block overwrites the unfinished file (a drive writing at a
   * position erases what follows it). A sink without it cannot discard.
   */
  reposition?: (bytes: number) => void;
}

export class AwsTapeWriter implements TapeSource {
  private readonly sink: AwsTapeWriterOptions['sink'];
  private readonly reader: AwsTapeWriterOptions['read'];
  /** Without a sink: the image offset of each chunk, for readAt. */
  private readonly starts: number[] = [];
  private readonly flush: AwsTapeWriterOptions['flush'];
  private readonly onCommit: AwsTapeWriterOptions['commit'];
  private readonly reposition: AwsTapeWriterOptions['reposition'];
  /** Where the last tapemark left the image: what discardPartial() goes back to. */
  private mark = { chunks: 0, bytes: 0, blocks: 0, data: 0 };
  private readonly header = new Uint8Array(AWS_HEADER_BYTES);
  /** Without a sink: the image as its segments, joined once by bytes() (no regrowth). */
  private readonly chunks: Uint8Array[] = [];
  private prevLength = 0;
  private _bytesWritten = 0;
  private _blocksWritten = 0;
  private _dataBytes = 0;
  private _tapemarks = 0;

  constructor(opts?: AwsTapeWriterOptions) {
    this.sink = opts?.sink;
    this.flush = opts?.flush;
    this.onCommit = opts?.commit;
    this.reposition = opts?.reposition;
    this.reader = opts?.read;
  }

  /** Reads image bytes from `at` (see the `read` option); throws past the end. */
  readAt(at: number, into: Uint8Array): void {
    if (at < 0 || at + into.byteLength > this._bytesWritten) {
      throw new RangeError(`tape read of ${into.byteLength} bytes at ${at} past the image's end (${this._bytesWritten})`);
    }
    if (this.sink) {
      if (!this.reader) throw new Error('AwsTapeWriter: this tape cannot be read back');
      this.reader(at, into);
      return;
    }
    // The chunk holding `at`, then the ones after it.
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (this.starts[mid] <= at) lo = mid; else hi = mid - 1; }
    for (let k = lo, o = 0; o < into.byteLength; k++) {
      const c = this.chunks[k], from = at + o - this.starts[k];
      const n = Math.min(c.byteLength - from, into.byteLength - o);
      into.set(c.subarray(from, from + n), o);
      o += n;
    }
  }

  /** Image bytes emitted so far (headers and data). */
  get bytesWritten(): number { return this._bytesWritten; }
  /** Data blocks written (a segmented block counts once; tapemarks do not count). */
  get blocksWritten(): number { return this._blocksWritten; }
  /** Payload bytes written, headers excluded. */
  get dataBytes(): number { return this._dataBytes; }
  /** Tapemarks written. */
  get tapemarksWritten(): number { return this._tapemarks; }
  /**
   * Blocks after the last tapemark: a file still being written, or one a failure left
   * without its closing tapemark (a partial backup, which `splitstream tape` lists so).
   */
  get partialBlocks(): number { return this._blocksWritten - this.mark.blocks; }

  /**
   * Drops the blocks after the last tapemark, as a backup application repositions a tape
   * after a failed file and writes the next one over it: a new backup then starts right
   * after the last complete file, and the reader never sees the failed one's blocks joined
   * to the next file's.
   */
  /** Whether discardPartial() can reposition this tape (no sink, or one that repositions). */
  get canDiscard(): boolean { return !this.sink || !!this.reposition; }

  /** Times discardPartial() repositioned the tape (a TapeIndex then walks it again). */
  discards = 0;

  discardPartial(): void {
    if (this.partialBlocks === 0) return;
    this.discards++;
    if (this.sink) {
      if (!this.reposition) throw new Error('AwsTapeWriter: this sink cannot reposition the tape');
      this.reposition(this.mark.bytes);
    }
    this.chunks.length = this.mark.chunks;
    this.starts.length = this.mark.chunks;
    this._bytesWritten = this.mark.bytes;
    this._blocksWritten = this.mark.blocks;
    this._dataBytes = this.mark.data;
    this.prevLength = 0;
  }

  /**
   * Carries on an image already on the sink's medium (a restarted 503: docs/live.md "A
   * processor's worker terminated"): its counters as scanTapeEnd (awstape-resume.ts) found
   * them. Only a fresh writer with a sink resumes.
   */
  resume(e: TapeEnd): void {
    if (!this.sink || this._bytesWritten !== 0) throw new Error('AwsTapeWriter: only a fresh writer with a sink resumes an image');
    this._bytesWritten = e.bytes;
    this._blocksWritten = e.blocks;
    this._dataBytes = e.data;
    this._tapemarks = e.tapemarks;
    this.prevLength = e.prevLength;
    this.mark = { chunks: 0, ...e.mark };
  }

  /** Appends one tape block; throws RangeError on an empty block (see the file comment). */
  writeBlock(data: Uint8Array): void {
    if (data.byteLength === 0) {
      throw new RangeError('AWSTAPE cannot hold a 0-byte block (Hercules reads it as a tapemark)');
    }
    for (let off = 0; off < data.byteLength; off += AWS_MAX_SEGMENT) {
      const end = Math.min(off + AWS_MAX_SEGMENT, data.byteLength);
      const flags = (off === 0 ? FLAG1_NEWREC : 0) | (end === data.byteLength ? FLAG1_ENDREC : 0);
      this.segment(flags, data.subarray(off, end));
    }
    this._blocksWritten++;
    this._dataBytes += data.byteLength;
  }

  /** The blocks written since the last commit may go to the medium together (see the option). */
  commit(): void {
    this.onCommit?.();
  }

  /** Appends a tapemark: ends the current tape file. */
  writeTapemark(): void {
    this.segment(FLAG1_TAPEMARK, new Uint8Array(0));
    this._tapemarks++;
    this.mark = { chunks: this.chunks.length, bytes: this._bytesWritten, blocks: this._blocksWritten, data: this._dataBytes };
    this.flush?.();
  }

  /** The whole image so far (a fresh array). Only without a sink: with one, the sink has it. */
  bytes(): Uint8Array {
    if (this.sink) throw new Error('AwsTapeWriter: bytes() is unavailable when a sink is given');
    return concat(this.chunks, this._bytesWritten);
  }

  private segment(flags1: number, data: Uint8Array): void {
    const h = this.header;
    h[0] = data.byteLength & 0xff;
    h[1] = data.byteLength >>> 8;
    h[2] = this.prevLength & 0xff;
    h[3] = this.prevLength >>> 8;
    h[4] = flags1;
    h[5] = 0;
    this.prevLength = data.byteLength;
    const at = this._bytesWritten;
    this._bytesWritten += AWS_HEADER_BYTES + data.byteLength;
    if (this.sink) {
      this.sink(h, data);
      return;
    }
    const chunk = new Uint8Array(AWS_HEADER_BYTES + data.byteLength);
    chunk.set(h);
    chunk.set(data, AWS_HEADER_BYTES);
    this.chunks.push(chunk);
    this.starts.push(at);
  }
}

/** One entry of the image, in order: a whole (possibly segmented) block or a tapemark. */
export type AwsEntry =
  | { kind: 'block'; offset: number; length: number; segments: number; data: Uint8Array }
  | { kind: 'tapemark'; offset: number };

/** Random access to an image's bytes (the in-memory writer, an OPFS file): what a reader walks. */
export interface TapeSource {
  /** Bytes of the image (the writer's end: laid-out space past it is not the tape). */
  readonly bytesWritten: number;
  /** Fills `into` with the image's bytes from `at` on. */
  readAt(at: number, into: Uint8Array): void;
  /** Times the tape was repositioned back over a partial file (AwsTapeWriter.discardPartial). */
  readonly discards?: number;
}

/** Where a walk stopped: the next header's offset and the length the previous one stated. */
export interface WalkState { pos: number; prev: number }

/** One entry as the walk finds it: a block's data segments as [offset, length], or a tapemark. */
export type AwsPlace =
  | { kind: 'block'; offset: number; length: number; parts: [number, number][] }
  | { kind: 'tapemark'; offset: number };

/**
 * Walks the headers of an image strictly from `st` (advanced as it goes), yielding blocks
 * (where their data lies, not the data) and tapemarks; throws AwsTapeError at the first
 * defect. Reads only the 6-byte headers, so an index of a large tape file costs one small
 * read per block (tape-index.ts).
 */
export function* walkAwsTape(src: TapeSource, st: WalkState = { pos: 0, prev: 0 }): Generator<AwsPlace> {
  const end = src.bytesWritten;
  const h = new Uint8Array(AWS_HEADER_BYTES);
  // The open segment chain of a block being assembled (after an 80h without 20h).
  let chain: { offset: number; parts: [number, number][]; length: number } | undefined;
  while (st.pos < end) {
    const pos = st.pos;
    if (end - pos < AWS_HEADER_BYTES) {
      throw new AwsTapeError(pos, `truncated header: ${end - pos} of 6 bytes`);
    }
    src.readAt(pos, h);
    const cur = h[0] | (h[1] << 8);
    const prv = h[2] | (h[3] << 8);
    const f1 = h[4];
    const f2 = h[5];
    if (prv !== st.prev) {
      throw new AwsTapeError(pos, `previous length ${prv} does not match the preceding ` +
        `header's length ${st.prev}`);
    }
    if (f2 !== 0) throw new AwsTapeError(pos, `flags2 is ${hex(f2)}, must be 00h`);
    if (f1 === FLAG1_TAPEMARK) {
      if (cur !== 0) throw new AwsTapeError(pos, `tapemark with length ${cur}, must be 0`);
      if (chain) throw new AwsTapeError(pos, 'tapemark inside a segmented block (no 20h segment)');
      st.pos = pos + AWS_HEADER_BYTES;
      st.prev = 0;
      yield { kind: 'tapemark', offset: pos };
      continue;
    }
    if ((f1 & ~(FLAG1_NEWREC | FLAG1_ENDREC)) !== 0) {
      throw new AwsTapeError(pos, `flags1 is ${hex(f1)}: only 80h, 20h, A0h, 00h or 40h are valid`);
    }
    if (cur === 0) {
      throw new AwsTapeError(pos, '0-length data segment (Hercules would read it as a tapemark)');
    }
    const isNew = (f1 & FLAG1_NEWREC) !== 0;
    if (isNew && chain) throw new AwsTapeError(pos, 'new record (80h) before the previous block ended (20h)');
    if (!isNew && !chain) throw new AwsTapeError(pos, 'continuation segment without a new-record (80h) segment');
    const dataEnd = pos + AWS_HEADER_BYTES + cur;
    if (dataEnd > end) {
      throw new AwsTapeError(pos, `truncated data: header says ${cur} bytes, ` +
        `${end - pos - AWS_HEADER_BYTES} remain`);
    }
    chain ??= { offset: pos, parts: [], length: 0 };
    chain.parts.push([pos + AWS_HEADER_BYTES, cur]);
    chain.length += cur;
    st.prev = cur;
    st.pos = dataEnd;
    if ((f1 & FLAG1_ENDREC) !== 0) {
      const b = chain;
      chain = undefined;
      yield { kind: 'block', offset: b.offset, length: b.length, parts: b.parts };
    }
  }
  if (chain) throw new AwsTapeError(chain.offset, 'image ends inside a segmented block (no 20h segment)');
}

/** The bytes of an image as a TapeSource. */
export function bytesSource(bytes: Uint8Array): TapeSource {
  return { bytesWritten: bytes.byteLength, readAt: (at, into) => into.set(bytes.subarray(at, at + into.byteLength)) };
}

/**
 * Walks the image strictly, yielding blocks and tapemarks; throws AwsTapeError at the first
 * defect. A single-segment block's data is a view into `bytes`; a segmented one is a copy.
 */
export function* scanAwsTape(bytes: Uint8Array): Generator<AwsEntry> {
  for (const e of walkAwsTape(bytesSource(bytes))) {
    if (e.kind === 'tapemark') { yield e; continue; }
    const parts = e.parts.map(([at, n]) => bytes.subarray(at, at + n));
    const data = parts.length === 1 ? parts[0] : concat(parts, e.length);
    yield { kind: 'block', offset: e.offset, length: e.length, segments: parts.length, data };
  }
}

/**
 * Reads a whole image strictly. A file is the list of blocks before a tapemark; blocks after
 * the last tapemark form one more, unterminated file (none if there are no such blocks).
 */
export function readAwsTape(bytes: Uint8Array): { files: Uint8Array[][]; tapemarks: number } {
  const files: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let tapemarks = 0;
  for (const e of scanAwsTape(bytes)) {
    if (e.kind === 'tapemark') {
      files.push(current);
      current = [];
      tapemarks++;
    } else {
      current.push(e.data);
    }
  }
  if (current.length > 0) files.push(current);
  return { files, tapemarks };
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.byteLength; }
  return out;
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0') + 'h';
}
