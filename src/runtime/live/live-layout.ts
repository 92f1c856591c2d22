/**
 * The live runtime's own part of the shared memory, laid out after the controller's 507
 * (src/array/memory-507.ts planLayout): the coordination block, and the channel ports the
 * servers use (the data plane is shared-memory rings with Atomics,
 * docs/architecture.md#concurrency):
 *   port 401  client server 101 → 501: writes (data in a slot of the write area) and pair commands
 *   ack  401  501 → 101: write acknowledgements and pair command answers
 *   port 402  backup server 102 → 502: EXTENDED COPY parameter lists (bytes in the xcopy area)
 *   ans  402  502 → 102: "accepted / refused" and "ended" for each backup
 * Reasons (refusals, failures) travel as UTF-8 in small text areas next to their ring.
 * The cache journal encodes its records in an area of its own (cache-journal.ts), so the
 * core's compiled CRC-32C checksums them where they lie.
 */
import type { BackupFailure } from '../../array/backup.ts';
import { COPY_CHUNK, planLayout, type Layout507 } from '../../array/memory-507.ts';
import { LIVE_BLOCK_WORDS } from './processor-host.ts';
import { ringBytes } from './mpmc-ring.ts';
import { RECORD_HEAD } from './cache-journal.ts';
import { writeBehindBytes } from './write-behind.ts';

export const PORT_CAP = 256;
export const PORT_WORDS = 6;
export const ACK_CAP = 512;
export const BACKUP_CAP = 8;
export const ANSWER_CAP = 64;
export const ANSWER_WORDS = 8;
export const XCOPY_BYTES = 64 * 1024;
export const TEXT_BYTES = 1024;

/** Port 401 record kinds and pair op codes. */
export const K = { WRITE: 1, PAIR: 2, BACKUP: 3, ANSWER: 4, END: 5, RESTORE: 6 } as const;
/** A backup record's word 5: bit 0 whole-range check, bits 2–1 the catalog level (0 none, 1 full, 2 incremental). */
export const LEVELS = [undefined, 'full', 'incremental'] as const;
export const PAIR_OPS = ['create', 'split', 'resync', 'delete'] as const;
/** Backup status codes on the answer ring (BackupStatus of src/array/backup.ts). */
export const STATUS = ['queued', 'refused', 'accepted', 'holding', 'running', 'done', 'failed'] as const;
/**
 * A failed backup's kind on the answer ring, word 7 of its end (BackupFailure of
 * src/array/backup.ts): its issuer reports a device's failure, a suspension or the quota
 * as the sim's does (docs/scenario.md#faults).
 */
export const FAILURES = ['none', 'device', 'pair-state', 'quota', 'aborted', 'other'] as const satisfies readonly BackupFailure[];

export interface LiveLayout {
  L: Layout507;
  liveBlock: number;
  port401: number;
  ack401: number;
  port402: number;
  ans402: number;
  /** Write data slots: `writeSlots` slots of `slotBytes`. */
  writeArea: number;
  writeSlots: number;
  slotBytes: number;
  xcopyArea: number;
  /** Text areas: 501's last pair refusal, 502's last backup reason. */
  text501: number;
  text502: number;
  /** The cache journal's staging area and its size. */
  journalArea: number;
  journalBytes: number;
  /** 508's write-behind queue (write-behind.ts) and its data ring's size. */
  wbArea: number;
  wbRingBytes: number;
  end: number;
}

const align = (x: number, a = 64) => Math.ceil(x / a) * a;

export function planLive(blocks: number, blockBytes: number, slots: number, maxWriteBlocks: number): LiveLayout {
  const L = planLayout(blocks, blockBytes, slots);
  let at = align(L.end);
  const take = (bytes: number) => { const p = at; at = align(at + bytes); return p; };
  const liveBlock = take(LIVE_BLOCK_WORDS * 4);
  const port401 = take(ringBytes(PORT_CAP, PORT_WORDS));
  const ack401 = take(ringBytes(ACK_CAP, PORT_WORDS));
  const port402 = take(ringBytes(BACKUP_CAP, PORT_WORDS));
  const ans402 = take(ringBytes(ANSWER_CAP, ANSWER_WORDS));
  const writeSlots = PORT_CAP;
  const slotBytes = maxWriteBlocks * blockBytes;
  const writeArea = take(writeSlots * slotBytes);
  const xcopyArea = take(XCOPY_BYTES);
  const text501 = take(TEXT_BYTES);
  const text502 = take(TEXT_BYTES);
  // A batch of writes per call: at least 1 MiB, and four of the largest records.
  const journalBytes = Math.max(1 << 20, 4 * (RECORD_HEAD + slotBytes));
  const journalArea = take(journalBytes);
  // Room for the cache's worth of destage (at most 16 MiB), and at least four of 508's largest runs.
  const wbRingBytes = Math.max(4 * COPY_CHUNK * blockBytes, Math.min(slots * blockBytes, 16 << 20));
  const wbArea = take(writeBehindBytes(blocks, wbRingBytes));
  return { L, liveBlock, port401, ack401, port402, ans402, writeArea, writeSlots, slotBytes, xcopyArea, text501, text502, journalArea, journalBytes, wbArea, wbRingBytes, end: at };
}

/** Writes a reason into a text area (u32 length, then UTF-8), truncated to fit. */
export function putText(memory: WebAssembly.Memory, at: number, text: string): void {
  const bytes = new TextEncoder().encode(text).subarray(0, TEXT_BYTES - 4);
  const u8 = new Uint8Array(memory.buffer);
  u8.set(bytes, at + 4);
  Atomics.store(new Int32Array(memory.buffer), at >> 2, bytes.length);
}

export function getText(memory: WebAssembly.Memory, at: number): string {
  const n = Atomics.load(new Int32Array(memory.buffer), at >> 2);
  // Copy out first: TextDecoder refuses views of shared memory.
  return new TextDecoder().decode(new Uint8Array(memory.buffer).slice(at + 4, at + 4 + n));
}
