/**
 * The cache 507 made non-volatile (docs/live.md#durability-points: after a reload the
 * volumes hold every acknowledged write). 501 acknowledges a write once it is in cache
 * (§0016), long before 508 destages it; a real array keeps that cache on batteries. The
 * live runtime's cache is ordinary memory that a reload wipes, so 501's worker appends each
 * accepted write to this journal and flushes it before the write can be acknowledged;
 * recovery replays the journal onto the P-VOL in order, which leaves every block at its
 * newest acknowledged version.
 *
 * Record: u32 magic 'SSJ1', u32 write id, u32 lba, u32 blocks, u32 CRC-32C of those 16
 * bytes and the data, then blocks × blockBytes of data. Replay stops at the first record
 * that is short or fails its checksum: the tail of a flush cut off by the reload, which
 * was never acknowledged.
 */
import { crc32c } from './metadata-record.ts';
import type { WriteJournal } from './port-adapters.ts';

export const JOURNAL_MAGIC = 0x314a5353; // 'SSJ1'
const HEAD = 20;

/** Encodes one record into `out` at `at` (HEAD + data.length bytes); returns its length. */
function encodeRecord(out: Uint8Array, at: number, id: number, lba: number, data: Uint8Array, blockBytes: number): number {
  const dv = new DataView(out.buffer, out.byteOffset + at, HEAD);
  dv.setUint32(0, JOURNAL_MAGIC, true);
  dv.setUint32(4, id >>> 0, true);
  dv.setUint32(8, lba >>> 0, true);
  dv.setUint32(12, data.length / blockBytes, true);
  out.set(data, at + HEAD);
  const crc = crc32c(out.subarray(at + HEAD, at + HEAD + data.length), crc32c(out.subarray(at, at + 16)));
  dv.setUint32(16, crc, true);
  return HEAD + data.length;
}

/** Encodes one record (used by tests). */
export function journalRecord(id: number, lba: number, data: Uint8Array, blockBytes: number): Uint8Array {
  const out = new Uint8Array(HEAD + data.length);
  encodeRecord(out, 0, id, lba, data, blockBytes);
  return out;
}

export interface ReplayedWrite { id: number; lba: number; blocks: number; data: Uint8Array }

/** Every intact record in order; stops at the first damaged one. */
export function readJournal(bytes: Uint8Array, blockBytes: number, maxBlocks: number): { writes: ReplayedWrite[]; tornAt: number | null } {
  const writes: ReplayedWrite[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + HEAD > bytes.length || dv.getUint32(at, true) !== JOURNAL_MAGIC) return { writes, tornAt: at };
    const blocks = dv.getUint32(at + 12, true);
    const len = blocks * blockBytes;
    if (blocks < 1 || blocks > maxBlocks || at + HEAD + len > bytes.length) return { writes, tornAt: at };
    const data = bytes.subarray(at + HEAD, at + HEAD + len);
    if (crc32c(data, crc32c(bytes.subarray(at, at + 16))) !== dv.getUint32(at + 16, true)) return { writes, tornAt: at };
    writes.push({ id: dv.getUint32(at + 4, true), lba: dv.getUint32(at + 8, true), blocks, data });
    at += HEAD + len;
  }
  return { writes, tornAt: null };
}

/**
 * The writer over an OPFS sync access handle, owned by 501's worker. A batch is encoded
 * into one reused buffer and written with one call: a fresh buffer per write costs several
 * times the write itself in Chromium (awstape.ts, the sink), and every write call also
 * sends the browser process a message.
 */
export class OpfsWriteJournal implements WriteJournal {
  private at: number;
  private buf = new Uint8Array(1 << 20);
  private used = 0;
  constructor(private readonly handle: FileSystemSyncAccessHandle, private readonly blockBytes: number, fresh: boolean) {
    if (fresh) handle.truncate(0);
    this.at = handle.getSize();
  }

  append(id: number, lba: number, _blocks: number, data: Uint8Array): void {
    const need = this.used + HEAD + data.length;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    this.used += encodeRecord(this.buf, this.used, id, lba, data, this.blockBytes);
  }

  /** One write and one flush per batch (group commit): the durability point of the acks. */
  sync(): void {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    const w = this.handle.write(this.buf.subarray(0, n), { at: this.at });
    if (w !== n) throw new Error(`cache journal: short write ${w} of ${n} bytes (quota?)`);
    this.at += n;
    this.handle.flush();
  }

  /** After a clean end every write is on the P-VOL: the journal can start over. */
  reset(): void {
    this.handle.truncate(0);
    this.handle.flush();
    this.at = 0;
  }
}
