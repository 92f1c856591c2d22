/**
 * The cache 507 made non-volatile (docs/live.md#durability): 501 acknowledges a write once
 * it is in cache (§0016), long before 508 destages it; a real array keeps that cache on
 * batteries. The live runtime's cache is ordinary memory that a reload wipes, so every
 * accepted write is appended here before 501 may take it, and recovery replays the journal
 * onto the P-VOL (journal-replay.ts). The write is acknowledged once its record is written
 * to the file (the durability class 'written'); `flush` mode also flushes before the ack.
 *
 * The journal is bounded, as a real array's non-volatile cache is: a file of SEGMENTS
 * segments used in a circle. Layout (little-endian):
 *   header (HEADER_BYTES at 0): u32 magic 'SSJ2', u32 version, u32 run id, u32 block bytes,
 *     u32 segment bytes, u32 segments, u32 CRC-32C of the 24 bytes before it
 *   segment i at HEADER_BYTES + i × segment bytes, records from its start:
 *     u32 CRC-32C of the rest of the record, u32 magic 'SSR2', u32 run id, u32 sequence,
 *     i32 write id (-1: a block seeded dirty before the run), u32 lba, u32 blocks, data
 * Sequence numbers rise by one per record across segments, so the records that matter are
 * one unbroken run of sequence numbers (journal-replay.ts). A record never straddles two
 * segments: a segment's unused tail keeps older bytes, which the next record's checks refuse.
 *
 * Reusing a segment. A segment's records are a lap old when the writer comes back to it; it
 * must not overwrite one that an acknowledged write still needs. So on entering segment s
 * the writer looks at segment s+1, the next to be reused: every block whose newest record is
 * there and whose data may not be on the P-VOL (501 has not taken the write yet, or its
 * cache slot is dirty) is read back and written again at the start of s with a new sequence
 * number ("carried over"); everything else there is on the P-VOL. Then it asks for a flush
 * (flusher.ts), and waits for it before entering s+1: by then the carried records and those
 * P-VOL blocks are on the disk, not only in the page cache. Nothing an acknowledged write
 * needs is ever overwritten, and every record dropped has its data flushed on the P-VOL, in
 * both durability classes; the wait costs nothing when the flush is done, as it is unless a
 * whole segment was written in less than one flush.
 */
import { crc32c } from './metadata-record.ts';

export const JOURNAL_MAGIC = 0x324a5353; // 'SSJ2'
export const RECORD_MAGIC = 0x32525353; // 'SSR2'
export const JOURNAL_VERSION = 2;
export const HEADER_BYTES = 4096;
export const RECORD_HEAD = 28;
export const SEGMENTS = 4;
/** Writes journaled but not yet taken by 501 at most (Port401 stops draining past it). */
export const UNAPPLIED_WRITES = 32;

/** The subset of FileSystemSyncAccessHandle the journal uses (tests give it memory). */
export interface JournalFile {
  read(into: Uint8Array, o: { at: number }): number;
  write(from: Uint8Array, o: { at: number }): number;
  flush(): void;
  getSize(): number;
  truncate(n: number): void;
}

/**
 * Flush tickets (flusher.ts): a ticket is done once a flush of every file of the run (the
 * P-VOL and this journal among them) that started after it was asked for has completed.
 */
export interface FlushTickets {
  request(): number;
  wait(ticket: number): void;
}

export interface JournalGeometry {
  blocks: number;
  blockBytes: number;
  cacheSlots: number;
  maxWriteBlocks: number;
  /** Smallest segment (default 4 MiB: a segment lasts longer than a flush at the client's top rates). */
  minSegmentBytes?: number;
}

/**
 * Segment size: room for the most a segment can carry over (every cache slot dirty, and
 * UNAPPLIED_WRITES writes not yet taken), twice over, so that new records always fit after it.
 */
export function segmentBytes(g: JournalGeometry): number {
  const carry = Math.min(g.blocks, g.cacheSlots + UNAPPLIED_WRITES * g.maxWriteBlocks) * (g.blockBytes + RECORD_HEAD);
  const need = Math.max(g.minSegmentBytes ?? 4 << 20, 2 * carry + RECORD_HEAD + g.maxWriteBlocks * g.blockBytes);
  return Math.ceil(need / 4096) * 4096;
}

/** Bytes of the journal file for a geometry (for the quota plan). */
export function journalBytes(g: JournalGeometry): number {
  return HEADER_BYTES + SEGMENTS * segmentBytes(g);
}

export function encodeHeader(runId: number, blockBytes: number, segBytes: number, segments: number): Uint8Array {
  const h = new Uint8Array(HEADER_BYTES);
  const dv = new DataView(h.buffer);
  [JOURNAL_MAGIC, JOURNAL_VERSION, runId, blockBytes, segBytes, segments].forEach((v, i) => dv.setUint32(4 * i, v >>> 0, true));
  dv.setUint32(24, crc32c(h.subarray(0, 24)), true);
  return h;
}

/** Where the journal encodes records before writing them: a view and a checksum over it. */
export interface Staging {
  buf: Uint8Array;
  /** CRC-32C of buf[at, at+len) (the core's compiled one where buf is in its memory). */
  crc(at: number, len: number): number;
}

export interface JournalDeps {
  /** Block b's newest data is in a dirty cache slot (not yet destaged to the P-VOL). */
  dirty(b: number): boolean;
  flushes: FlushTickets;
  /** Flush before commit() returns ('flush' durability: the ack waits for it). */
  flushEach: boolean;
}

/**
 * Where a writer left its journal (journal-replay.ts journalState reads it from the file):
 * its run id, the records of each segment's current lap in file order (`at`: the offset of
 * a record's data), and the segment it was writing in and how far.
 */
export interface JournalState {
  runId: number;
  segments: { seq: number; id: number; lba: number; blocks: number; at: number }[][];
  seg: number;
  segAt: number;
}

/** Per-segment index of the records written there: seq, id, lba, blocks, file offset. */
class SegIndex {
  words = new Int32Array(5 * 256);
  n = 0;
  add(seq: number, id: number, lba: number, blocks: number, at: number): void {
    if (5 * (this.n + 1) > this.words.length) {
      const w = new Int32Array(this.words.length * 2);
      w.set(this.words);
      this.words = w;
    }
    this.words.set([seq, id, lba, blocks, at], 5 * this.n++);
  }
}

export class CacheJournal {
  readonly segBytes: number;
  readonly runId: number;
  private readonly bb: number;
  /** Newest record's sequence per block (0: none), and the newest write id 501 has taken per block. */
  private readonly newest: Int32Array;
  private readonly taken: Int32Array;
  private readonly index: SegIndex[] = [];
  /** Records encoded in staging, not yet written: [stagingAt, len, id, lba, blocks] each. */
  private pending: number[] = [];
  private used = 0;
  private seq = 0;
  private seg = 0;
  private segAt = 0;
  private ticket = 0;
  private carryBuf = new Uint8Array(0);
  /** Counts for docs/live.md and the tests. */
  readonly stats = { records: 0, writes: 0, carried: 0, segmentsEntered: 0 };

  /**
   * `resume`: carry on a journal a writer in another worker left (its worker terminated
   * between two drains, with no write taken from port 401 that 501 had not yet taken, so
   * every journaled write is taken: docs/live.md "A processor's worker terminated"). The
   * file is used as it is; the writer's memory is rebuilt from it: the index of each
   * segment's current lap, each block's newest record and the newest write taken of it, the
   * sequence and the position. A record dropped on reusing a segment is not there, so a
   * block's newest record may be an older one than the lost writer knew; carrying it over
   * depends on the block being dirty or its write untaken, neither of which can hold for it
   * (its newer data reached the flushed P-VOL before the drop, and nothing wrote it since).
   */
  constructor(private readonly file: JournalFile, g: JournalGeometry, private readonly staging: Staging,
    private readonly deps: JournalDeps, runId = randomRunId(), resume?: JournalState) {
    this.bb = g.blockBytes;
    this.segBytes = segmentBytes(g);
    this.runId = (resume ? resume.runId : runId) >>> 0;
    this.newest = new Int32Array(g.blocks);
    this.taken = new Int32Array(g.blocks).fill(-1);
    for (let i = 0; i < SEGMENTS; i++) this.index.push(new SegIndex());
    if (resume) {
      if (resume.segments.length !== SEGMENTS) throw new Error(`cache journal: ${resume.segments.length} segments to resume, not ${SEGMENTS}`);
      resume.segments.forEach((recs, s) => {
        for (const r of recs) {
          this.index[s].add(r.seq, r.id, r.lba, r.blocks, r.at);
          this.seq = Math.max(this.seq, r.seq);
          for (let b = r.lba; b < r.lba + r.blocks; b++) {
            if (this.newest[b] < r.seq) this.newest[b] = r.seq;
            if (this.taken[b] < r.id) this.taken[b] = r.id;
          }
        }
      });
      this.seg = resume.seg;
      this.segAt = resume.segAt;
      // A round that begins from now on covers every record the lost writer wrote.
      this.ticket = this.deps.flushes.request();
      return;
    }
    const size = journalBytes(g);
    // Sized once: a file of the right size is reused as it is (the run id in every record
    // tells this run's records from an earlier run's), so the write path never grows it.
    if (file.getSize() !== size) {
      file.truncate(0);
      file.truncate(size);
    }
    const h = encodeHeader(this.runId, this.bb, this.segBytes, SEGMENTS);
    if (file.write(h, { at: 0 }) !== h.length) throw new Error('cache journal: short header write (quota?)');
    file.flush();
  }

  private segBase(s: number): number { return HEADER_BYTES + s * this.segBytes; }

  /**
   * Encodes a record into the staging area (commit() writes it). `data` may be a view of
   * shared memory. Commits first when the staging area is full.
   */
  append(id: number, lba: number, blocks: number, data: Uint8Array): void {
    const len = RECORD_HEAD + blocks * this.bb;
    if (len > this.staging.buf.length) throw new RangeError(`cache journal: a record of ${len} bytes exceeds the staging area`);
    if (this.used + len > this.staging.buf.length) this.commit();
    this.staging.buf.set(data.subarray(0, blocks * this.bb), this.used + RECORD_HEAD);
    this.pending.push(this.used, len, id, lba, blocks);
    this.used += len;
  }

  /**
   * Writes every appended record: one write call per run of records that fit the current
   * segment (one per batch, but where a segment ends), in file order, which is where their
   * sequence numbers and checksums are set. With flushEach, flushes before returning. Once
   * it returns, every appended write may be acknowledged.
   */
  commit(): void {
    const p = this.pending, buf = this.staging.buf;
    let i = 0;
    while (i < p.length) {
      let bytes = 0, j = i;
      while (j < p.length && this.segAt + bytes + p[j + 1] <= this.segBytes) { bytes += p[j + 1]; j += 5; }
      if (j === i) { this.nextSegment(); continue; }
      for (let k = i; k < j; k += 5) this.seal(buf, p[k], p[k + 1], p[k + 2], p[k + 3], p[k + 4], p[k] - p[i], this.staging.crc);
      this.writeAt(buf.subarray(p[i], p[i] + bytes));
      i = j;
    }
    this.pending = [];
    this.used = 0;
    if (p.length && this.deps.flushEach) this.file.flush();
  }

  /**
   * After a clean stop every acknowledged write is on the flushed P-VOL: the header is
   * zeroed (nothing to replay), the file keeps its size for the next run.
   */
  retire(): void {
    if (this.file.write(new Uint8Array(HEADER_BYTES), { at: 0 }) !== HEADER_BYTES) throw new Error('cache journal: short write retiring the header');
    this.file.flush();
  }

  /** The newest write id journaled, -1 if none (a resumed port 401 carries its split boundary on from it). */
  lastId(): number {
    let id = -1;
    for (const ix of this.index) for (let r = 0; r < ix.n; r++) id = Math.max(id, ix.words[5 * r + 1]);
    return id;
  }

  /** 501 has taken write `id` into cache: its blocks are now dirty there or already destaged. */
  applied(id: number, lba: number, blocks: number): void {
    for (let b = lba; b < lba + blocks; b++) if (this.taken[b] < id) this.taken[b] = id;
  }

  /**
   * Sets the header and checksum of the record at buf[at, at+len), to be written `off`
   * bytes after the current segment position, and indexes it.
   */
  private seal(buf: Uint8Array, at: number, len: number, id: number, lba: number, blocks: number, off: number,
    crc: (at: number, len: number) => number): void {
    const seq = ++this.seq;
    const dv = new DataView(buf.buffer, buf.byteOffset + at, RECORD_HEAD);
    dv.setUint32(4, RECORD_MAGIC, true);
    dv.setUint32(8, this.runId, true);
    dv.setUint32(12, seq, true);
    dv.setInt32(16, id, true);
    dv.setUint32(20, lba, true);
    dv.setUint32(24, blocks, true);
    dv.setUint32(0, crc(at + 4, len - 4), true);
    for (let b = lba; b < lba + blocks; b++) this.newest[b] = seq;
    this.index[this.seg].add(seq, id, lba, blocks, this.segBase(this.seg) + this.segAt + off + RECORD_HEAD);
    this.stats.records++;
  }

  /** Writes bytes at the current segment position and moves past them. */
  private writeAt(bytes: Uint8Array): void {
    const n = this.file.write(bytes, { at: this.segBase(this.seg) + this.segAt });
    if (n !== bytes.length) throw new Error(`cache journal: short write ${n} of ${bytes.length} bytes (quota?)`);
    this.segAt += n;
    this.stats.writes++;
  }

  /**
   * Enters the next segment (see the top of the file): once the flush asked for on entering
   * the current one is done, it may be overwritten; the segment after it is carried over
   * into it, and a flush asked for again.
   */
  private nextSegment(): void {
    const next = (this.seg + 1) % SEGMENTS;
    if (this.index[next].n > 0) this.deps.flushes.wait(this.ticket);
    this.seg = next;
    this.segAt = 0;
    this.index[next].n = 0;
    this.stats.segmentsEntered++;
    this.carryOver((next + 1) % SEGMENTS);
    this.ticket = this.deps.flushes.request();
  }

  /**
   * Writes again, at the current position, every block of segment s whose newest record is
   * there and whose data may not be on the P-VOL: 501 has not taken the write yet, or the
   * block is dirty in cache. One record per block, each still naming its write.
   */
  private carryOver(s: number): void {
    const ix = this.index[s], w = ix.words;
    const carry: number[] = [];
    for (let r = 0; r < ix.n; r++) {
      const seq = w[5 * r], id = w[5 * r + 1], lba = w[5 * r + 2], n = w[5 * r + 3], at = w[5 * r + 4];
      for (let b = lba; b < lba + n; b++) {
        if (this.newest[b] === seq && (this.taken[b] < id || this.deps.dirty(b))) carry.push(b, id, at + (b - lba) * this.bb);
      }
    }
    const one = RECORD_HEAD + this.bb, count = carry.length / 3;
    if (count * one > this.segBytes / 2) throw new Error(`cache journal: ${count} blocks to carry over exceed half a segment`);
    if (this.carryBuf.length < count * one) this.carryBuf = new Uint8Array(count * one);
    const buf = this.carryBuf;
    for (let i = 0; i < count; i++) {
      const view = buf.subarray(i * one + RECORD_HEAD, (i + 1) * one);
      if (this.file.read(view, { at: carry[3 * i + 2] }) !== this.bb) throw new Error('cache journal: short read carrying a block over');
      this.seal(buf, i * one, one, carry[3 * i + 1], carry[3 * i], 1, i * one, (at, len) => crc32c(buf.subarray(at, at + len)));
    }
    if (count > 0) this.writeAt(buf.subarray(0, count * one));
    this.stats.carried += count;
  }
}

function randomRunId(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0] || 1;
}
