/**
 * Reading the cache journal back after a reload, a crash or a killed browser (cache-journal.ts
 * has the layout): the writes to replay onto the P-VOL, oldest first.
 *
 * Each segment is read from its start while the records hold together: the journal's magic
 * and run id, a sane length, a CRC-32C that matches, and a sequence number one above the
 * record before it. What follows is a segment's unused tail (older bytes) or a record cut off
 * by the crash (never acknowledged: the ack waits for the write to return). The records that
 * matter are the one unbroken run of sequence numbers that ends at the newest record: segment
 * by segment backwards, each must end one below where the next begins. Segments outside that
 * run hold only records the writer had already carried over or found on the flushed P-VOL.
 * Replaying the run in order leaves every block at its newest acknowledged version.
 */
import { HEADER_BYTES, JOURNAL_MAGIC, JOURNAL_VERSION, RECORD_HEAD, RECORD_MAGIC, type JournalState } from './cache-journal.ts';
import { crc32c } from './metadata-record.ts';

/** `segment`: where the record lies (recovery-514.ts asks whether the writer entered a segment after it). */
export interface ReplayedWrite { seq: number; id: number; lba: number; blocks: number; data: Uint8Array; segment: number }

export interface JournalContents {
  /** False when there is no journal of this format (absent, empty, or an unreadable header). */
  found: boolean;
  blockBytes: number;
  /** The writes to replay, oldest first. */
  writes: ReplayedWrite[];
  /** Segments of the file (its header), 0 when none was read. */
  segments: number;
  /** True when the newest segment ends in a record of this run that fails its checks (cut off). */
  cutOff: boolean;
  notes: string[];
}

const EMPTY: JournalContents = { found: false, blockBytes: 0, writes: [], segments: 0, cutOff: false, notes: [] };

interface Header { runId: number; blockBytes: number; segBytes: number; segments: number }

export function readHeader(bytes: Uint8Array): Header | null {
  if (bytes.length < HEADER_BYTES) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 28);
  if (dv.getUint32(0, true) !== JOURNAL_MAGIC || dv.getUint32(4, true) !== JOURNAL_VERSION) return null;
  if (dv.getUint32(24, true) !== crc32c(bytes.subarray(0, 24))) return null;
  const h = { runId: dv.getUint32(8, true), blockBytes: dv.getUint32(12, true), segBytes: dv.getUint32(16, true), segments: dv.getUint32(20, true) };
  const sane = h.blockBytes >= 1 && h.blockBytes <= 65536 && h.segments >= 2 && h.segments <= 64 && h.segBytes >= RECORD_HEAD + h.blockBytes;
  return sane ? h : null;
}

/** The records of one segment that hold together from its start. */
function parseSegment(bytes: Uint8Array, h: Header, segment: number): { writes: ReplayedWrite[]; cutOff: boolean } {
  const base = HEADER_BYTES + segment * h.segBytes;
  const writes: ReplayedWrite[] = [];
  const end = Math.min(bytes.length, base + h.segBytes);
  let at = base;
  while (at + RECORD_HEAD <= end) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset + at, RECORD_HEAD);
    if (dv.getUint32(4, true) !== RECORD_MAGIC || dv.getUint32(8, true) !== h.runId) break;
    const seq = dv.getUint32(12, true), blocks = dv.getUint32(24, true);
    const len = RECORD_HEAD + blocks * h.blockBytes;
    const last = writes[writes.length - 1];
    if (last && seq !== last.seq + 1) break;
    if (blocks < 1 || at + len > end || dv.getUint32(0, true) !== crc32c(bytes.subarray(at + 4, at + len))) {
      return { writes, cutOff: true };
    }
    writes.push({ seq, id: dv.getInt32(16, true), lba: dv.getUint32(20, true), blocks, data: bytes.subarray(at + RECORD_HEAD, at + len), segment });
    at += len;
  }
  return { writes, cutOff: false };
}

/** The whole journal file's bytes → the writes to replay. */
export function readJournal(bytes: Uint8Array): JournalContents {
  // Empty, or retired after a clean stop (a zeroed header): nothing to replay.
  if (bytes.length === 0 || bytes.subarray(0, 28).every((b) => b === 0)) return EMPTY;
  const h = readHeader(bytes);
  if (!h) return { ...EMPTY, notes: ['the cache journal has no readable header: nothing was replayed from it'] };
  const segs = Array.from({ length: h.segments }, (_, s) => parseSegment(bytes, h, s));
  let newest = -1;
  segs.forEach((s, i) => {
    const top = s.writes[s.writes.length - 1];
    if (top && (newest < 0 || top.seq > segs[newest].writes[segs[newest].writes.length - 1].seq)) newest = i;
  });
  if (newest < 0) return { found: true, blockBytes: h.blockBytes, writes: [], segments: h.segments, cutOff: segs.some((s) => s.cutOff), notes: [] };
  // Backwards from the newest segment while each ends one below where the next begins.
  const chain = [newest];
  for (let i = (newest - 1 + h.segments) % h.segments; i !== newest; i = (i - 1 + h.segments) % h.segments) {
    const cur = segs[i].writes, after = segs[chain[0]].writes;
    if (!cur.length || cur[cur.length - 1].seq + 1 !== after[0].seq) break;
    chain.unshift(i);
  }
  return { found: true, blockBytes: h.blockBytes, writes: chain.flatMap((i) => segs[i].writes), segments: h.segments, cutOff: segs[newest].cutOff, notes: [] };
}

/**
 * Where the journal's writer left it, for a writer that carries it on (CacheJournal's
 * `resume`): each segment's records from its start while they hold together (its current
 * lap: the writer rewrites a segment from its start on entering it), and the position after
 * the newest record. Null when the file holds no journal of this format.
 */
export function journalState(bytes: Uint8Array): JournalState | null {
  const h = readHeader(bytes);
  if (!h) return null;
  const segs = Array.from({ length: h.segments }, (_, s) => parseSegment(bytes, h, s).writes);
  let seg = 0, top = -1;
  segs.forEach((ws, s) => { const last = ws[ws.length - 1]; if (last && last.seq > top) { top = last.seq; seg = s; } });
  const last = segs[seg][segs[seg].length - 1];
  const base = HEADER_BYTES + seg * h.segBytes;
  const at = (w: ReplayedWrite) => w.data.byteOffset - bytes.byteOffset;
  return {
    runId: h.runId,
    segments: segs.map((ws) => ws.map((w) => ({ seq: w.seq, id: w.id, lba: w.lba, blocks: w.blocks, at: at(w) }))),
    seg,
    segAt: last ? at(last) + last.data.byteLength - base : 0,
  };
}
