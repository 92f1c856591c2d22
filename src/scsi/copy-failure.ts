/**
 * The sense data of a copy that a device failure ended (docs/scsi.md#sense-codes, SPC-3
 * 6.3.3 "errors detected during segment processing"): COPY ABORTED with, in the
 * COMMAND-SPECIFIC INFORMATION field, byte 8 the offset of the copy source's status and
 * sense within this sense data, byte 9 that of the copy destination's (0: none), bytes
 * 10–11 the failing segment; the device's status byte (02h CHECK CONDITION) and its own
 * fixed-format sense then follow from byte 18. RECEIVE COPY RESULTS 04h returns the same
 * bytes, so an initiator learns which device failed, how, and at which block.
 */
import type { BackupHandle } from '../array/backup.ts';
import type { CopyFailure, DeviceSense } from './copy-engine.ts';
import { SENSE, SENSE_LENGTH, encodeSense } from './sense.ts';

const CHECK_CONDITION = 0x02;

export function copyAbortedSense(f: CopyFailure): Uint8Array {
  const segment = f.segment & 0xffff;
  if (!f.device) return encodeSense({ ...f.sense, commandSpecific: segment });
  const inner = encodeSense(f.device.sense);
  const additional = new Uint8Array(1 + inner.length);
  additional[0] = CHECK_CONDITION;
  additional.set(inner, 1);
  const offset = f.device.role === 'source' ? SENSE_LENGTH << 24 : SENSE_LENGTH << 16;
  return encodeSense({ ...f.sense, commandSpecific: (offset | segment) >>> 0, additional });
}

/**
 * The failing device's own sense for a backup the array ended (BackupHandle.detail): a
 * volume read → the source's 03/11/00 at the LBA; the tape or the disk target → the
 * destination's 03/0C/00 at the block, or 0D/00/02 when it ran out of room (quota). A
 * suspension or a pair-state change is the array's own doing: no device sense.
 */
export function deviceSenseOf(h: Pick<BackupHandle, 'detail' | 'failure'>): DeviceSense | undefined {
  const d = h.detail;
  if (!d || (h.failure !== 'device' && h.failure !== 'quota')) return undefined;
  const role = d.device === 'tape' || d.device === 'backup disk' ? 'destination' : 'source';
  const code = d.quota ? SENSE.END_OF_MEDIUM : d.op === 'read' ? SENSE.UNRECOVERED_READ_ERROR : SENSE.WRITE_ERROR;
  return { role, sense: { ...code, information: d.lba } };
}
