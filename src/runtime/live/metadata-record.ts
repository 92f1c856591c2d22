/**
 * The controller's durable metadata in the live runtime (docs/live.md#durability;
 * docs/architecture.md#volumes-in-opfs): pair states 516/517, the inter-pair differential
 * 514 and the post-split change bitmap, and the operations (split, backup) in flight, as
 * one record with a CRC-32C, so that after a reload the playground shows the pairs as they
 * were and never trusts a differential it cannot prove.
 *
 * Byte layout (all integers little-endian):
 *   0   u32 magic 'SSMD'       4  u16 version (1)      6  u16 flags (bit 0: CLEAN)
 *   8   u32 sequence            12 u32 JSON length J    16 u32 bitmap bytes B
 *   20  J bytes UTF-8 JSON (pairs without bitmaps, operations in flight)
 *   20+J  B bytes: for each pair, 514 then the post-split bitmap, ceil(blocks/8) bytes each
 *         (CLEAN records only; B is 0 otherwise)
 *   20+J+B  u32 CRC-32C (Castagnoli, RFC 3720 §12.1) of every byte before it
 *
 * CLEAN means the bitmaps were written at a quiescent point after every volume write they
 * describe had been flushed; a record written while I/O may still move (every pair-state
 * change does that, before its ack) is not CLEAN, and its bitmaps could never be trusted:
 * it carries none, and decodes with every bit dirty. That keeps the records on the split's
 * and the backup's ack paths a few KiB whatever the volume size (a 1 GiB pair's two bitmaps
 * are 64 KiB, to checksum, write and flush before the ack). A version 1 record that does
 * carry them still decodes (they are ignored the same way on recovery).
 */
import { CRC32C_TABLES } from '../../core/checksum-tables.ts';

export const METADATA_MAGIC = 0x444d5353; // 'SSMD' read as LE u32
export const METADATA_VERSION = 1;
const FLAG_CLEAN = 1;
const HEADER = 20;
/** Caps so a corrupt length field can never make the decoder allocate without limit. */
const MAX_JSON = 1 << 20;
const MAX_BITMAP_BYTES = 64 << 20;

/** One pair as persisted. States are the controller's own names, kept as opaque text. */
export interface PairRecord {
  pvol: string;
  svol: string;
  blocks: number;
  /** Pair state of the P-VOL (516) and of the S-VOL (517). */
  state516: string;
  state517: string;
  /** Inter-pair differential 514: 1 bit per block, LSB first, ceil(blocks/8) bytes. */
  diff514: Uint8Array;
  /** Writes since the split (for the next resync), same shape. */
  postSplit: Uint8Array;
  /**
   * The split a split-pending pair is in (507 word SPLIT_SEQ): its differential's record
   * must name the same one to be trusted (differential-514-store.ts).
   */
  splitSeq?: number;
}

/** A split or backup that had started and not yet finished when the record was written. */
export interface InFlightOp {
  kind: 'split' | 'backup';
  id: string;
  /** Wall-clock ms (Date.now) when it started, for the report after a reload. */
  startedAt: number;
  /** Whatever the runner needs to run it again (mode, range, scenario name). */
  detail: Record<string, string | number | boolean>;
}

/** The run the record belongs to: enough to size the recovery and to run it again. */
export interface RunInfo {
  scenario: string;
  mode: string;
  startedAt: number;
}

export interface MetadataRecord {
  sequence: number;
  clean: boolean;
  pairs: PairRecord[];
  inFlight: InFlightOp[];
  run?: RunInfo;
}

export type DecodeResult =
  | { ok: true; record: MetadataRecord }
  | { ok: false; reason: string };

/** CRC-32C over bytes (table 0 of the core's tables; the core's wasm checksum needs shared memory). */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC32C_TABLES[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function bitmapBytesFor(blocks: number): number {
  return Math.ceil(blocks / 8);
}

/** A bitmap of `blocks` bits, all set (padding bits past `blocks` stay 0). */
export function allDirty(blocks: number): Uint8Array {
  const b = new Uint8Array(bitmapBytesFor(blocks)).fill(0xff);
  if (blocks % 8) b[b.length - 1] = (1 << (blocks % 8)) - 1;
  return b;
}

/** Bytes of a record for one pair of `blocks` blocks whose JSON part is `jsonBytes` long. */
export function recordBytesFor(blocks: number, jsonBytes: number): number {
  return HEADER + jsonBytes + 2 * bitmapBytesFor(blocks) + 4;
}

/**
 * `checksum` is CRC-32C over the bytes before the checksum field; the live runtime passes
 * the core's (metadata-persister.ts), this module's crc32c is the default.
 */
export function encodeMetadata(rec: MetadataRecord, checksum: (bytes: Uint8Array) => number = crc32c): Uint8Array {
  const meta = {
    pairs: rec.pairs.map((p) => ({
      pvol: p.pvol, svol: p.svol, blocks: p.blocks, state516: p.state516, state517: p.state517,
      ...(p.splitSeq !== undefined ? { splitSeq: p.splitSeq } : {}),
    })),
    inFlight: rec.inFlight,
    ...(rec.run ? { run: rec.run } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(meta));
  let bm = 0;
  for (const p of rec.clean ? rec.pairs : []) {
    const n = bitmapBytesFor(p.blocks);
    if (p.diff514.length !== n || p.postSplit.length !== n) {
      throw new RangeError(`pair ${p.pvol}/${p.svol}: bitmaps must be ${n} bytes for ${p.blocks} blocks`);
    }
    bm += 2 * n;
  }
  const out = new Uint8Array(HEADER + json.length + bm + 4);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, METADATA_MAGIC, true);
  dv.setUint16(4, METADATA_VERSION, true);
  dv.setUint16(6, rec.clean ? FLAG_CLEAN : 0, true);
  dv.setUint32(8, rec.sequence >>> 0, true);
  dv.setUint32(12, json.length, true);
  dv.setUint32(16, bm, true);
  out.set(json, HEADER);
  let at = HEADER + json.length;
  for (const p of rec.clean ? rec.pairs : []) {
    out.set(p.diff514, at);
    at += p.diff514.length;
    out.set(p.postSplit, at);
    at += p.postSplit.length;
  }
  dv.setUint32(at, checksum(out.subarray(0, at)) >>> 0, true);
  return out;
}

/** Strict decoder: any doubt (length, checksum, shape) is a refusal with the reason. */
export function decodeMetadata(bytes: Uint8Array): DecodeResult {
  if (bytes.length < HEADER + 4) return { ok: false, reason: `record of ${bytes.length} bytes is shorter than its header` };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== METADATA_MAGIC) return { ok: false, reason: 'no metadata magic' };
  if (dv.getUint16(4, true) !== METADATA_VERSION) return { ok: false, reason: `unknown version ${dv.getUint16(4, true)}` };
  const jsonLen = dv.getUint32(12, true);
  const bmLen = dv.getUint32(16, true);
  if (jsonLen > MAX_JSON || bmLen > MAX_BITMAP_BYTES) return { ok: false, reason: 'length field out of range' };
  const end = HEADER + jsonLen + bmLen;
  if (bytes.length < end + 4) return { ok: false, reason: `record truncated: ${bytes.length} of ${end + 4} bytes` };
  if (dv.getUint32(end, true) !== crc32c(bytes.subarray(0, end))) return { ok: false, reason: 'checksum mismatch' };
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER, HEADER + jsonLen)));
  } catch {
    return { ok: false, reason: 'metadata JSON unreadable' };
  }
  const shape = checkShape(meta);
  if (typeof shape === 'string') return { ok: false, reason: shape };
  const pairs: PairRecord[] = [];
  let at = HEADER + jsonLen;
  const clean = (dv.getUint16(6, true) & FLAG_CLEAN) !== 0;
  if (!clean && bmLen === 0) {
    // Written while I/O ran: no bitmaps, and every bit counts as dirty.
    for (const p of shape.pairs) pairs.push({ ...p, diff514: allDirty(p.blocks), postSplit: allDirty(p.blocks) });
  } else {
    for (const p of shape.pairs) {
      const n = bitmapBytesFor(p.blocks);
      if (at + 2 * n > end) return { ok: false, reason: 'bitmaps shorter than the pairs need' };
      pairs.push({ ...p, diff514: bytes.slice(at, at + n), postSplit: bytes.slice(at + n, at + 2 * n) });
      at += 2 * n;
    }
    if (at !== end) return { ok: false, reason: 'bitmap bytes do not match the pairs' };
  }
  return {
    ok: true,
    record: {
      sequence: dv.getUint32(8, true), clean, pairs, inFlight: shape.inFlight,
      ...(shape.run ? { run: shape.run } : {}),
    },
  };
}

type PairMeta = Omit<PairRecord, 'diff514' | 'postSplit'>;

function checkShape(meta: unknown): { pairs: PairMeta[]; inFlight: InFlightOp[]; run?: RunInfo } | string {
  if (!isObj(meta) || !Array.isArray(meta.pairs) || !Array.isArray(meta.inFlight)) return 'metadata JSON lacks pairs/inFlight';
  for (const p of meta.pairs) {
    if (!isObj(p) || typeof p.pvol !== 'string' || typeof p.svol !== 'string' || typeof p.state516 !== 'string' ||
      typeof p.state517 !== 'string' || !Number.isSafeInteger(p.blocks) || (p.blocks as number) < 0 ||
      (p.splitSeq !== undefined && !Number.isSafeInteger(p.splitSeq))) {
      return 'a pair entry is malformed';
    }
  }
  for (const o of meta.inFlight) {
    if (!isObj(o) || (o.kind !== 'split' && o.kind !== 'backup') || typeof o.id !== 'string' ||
      typeof o.startedAt !== 'number' || !isObj(o.detail)) {
      return 'an in-flight entry is malformed';
    }
  }
  const run = meta.run;
  if (run !== undefined && (!isObj(run) || typeof run.scenario !== 'string' || typeof run.mode !== 'string' || typeof run.startedAt !== 'number')) {
    return 'the run entry is malformed';
  }
  return meta as unknown as { pairs: PairMeta[]; inFlight: InFlightOp[]; run?: RunInfo };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
