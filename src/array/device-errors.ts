/**
 * What the controller does when a device fails under it (docs/scenario.md#faults): it
 * never throws the error at its servers and never acknowledges anything it did not keep.
 * - A volume I/O of 508's copies (background, copy before write, priority) or of a destage
 *   that fails suspends the pair (PSUE, with the cause and the block: pair-state.ts). The
 *   S-VOL then holds no image of any instant; client writes go on into the cache and the
 *   post-split bitmap, and a resync copies everything again, as ShadowImage does.
 * - An I/O of a backup (staging a unit, the tape, the disk target) fails the backup: 511
 *   keeps which device, which operation and which block, so the issuer can report it
 *   (COPY ABORTED with the device's own sense, docs/scsi.md#sense-codes).
 */
import { DeviceError, QuotaError } from '../devices/block-device.ts';
import type { Ctx } from './context.ts';
import { B, W } from './memory-507.ts';
import { PS, suspendCause, suspendReason } from './pair-state.ts';

/** Device codes of B.FAIL_IO. */
export const FAIL_DEVICES = ['', 'P-VOL', 'S-VOL', 'tape', 'backup disk'] as const;
export type FailDevice = Exclude<(typeof FAIL_DEVICES)[number], ''>;

/** Which of the controller's devices raised `e` (its code in B.FAIL_IO). */
export function deviceCode(c: Ctx, e: DeviceError): number {
  if (e.device === c.pvol.name) return 1;
  if (e.device === c.svol.name) return 2;
  if (c.backupDisk && e.device === c.backupDisk.name) return 4;
  return 3;
}

/** Keeps the first failing I/O of the running backup in 511 (later ones only follow from it). */
export function noteBackupFailure(c: Ctx, e: DeviceError): void {
  const m = c.m;
  if (m.b(B.FAIL_IO) !== 0) return;
  // 2: a write that found no room (the storage's quota), not a failing medium.
  m.setB(B.FAIL_LBA, e.lba);
  m.setB(B.FAIL_IO, deviceCode(c, e) * 4 + (e instanceof QuotaError ? 2 : e.op === 'read' ? 0 : 1));
}

/** Whether a device's I/O failed the running backup (511 holds it). */
export function backupIoFailed(m: Ctx['m']): boolean {
  return m.b(B.FAIL_IO) !== 0;
}

/** Whether the backup failed for want of room (a quota error). */
export function backupOutOfRoom(m: Ctx['m']): boolean {
  return (m.b(B.FAIL_IO) & 3) === 2;
}

/** The failing I/O 511 holds, or null. */
export function backupFailureDetail(m: Ctx['m']): FailureDetail | null {
  const io = m.b(B.FAIL_IO), d = FAIL_DEVICES[io >> 2], op = io & 3;
  return d ? { device: d, op: op === 0 ? 'read' : 'write', lba: m.b(B.FAIL_LBA), quota: op === 2 } : null;
}

/** The I/O that failed a backup: which device, read or write, which block; quota: no room. */
export interface FailureDetail { device: FailDevice; op: 'read' | 'write'; lba: number; quota: boolean }

/**
 * Suspends the pair for a failed volume I/O (nothing to suspend without a pair); returns
 * whether it did. Errors that are not a device's are the controller's own bugs: rethrown.
 */
export function suspendPair(c: Ctx, e: unknown): boolean {
  if (!(e instanceof DeviceError)) throw e;
  const m = c.m;
  const p = m.w(W.P_STATE);
  if (p === PS.SIMPLEX) {
    c.log('508', 'io.error', undefined, { message: e.message });
    return false;
  }
  const vol = e.device === c.svol.name ? 'svol' : 'pvol';
  if (p !== PS.SUSPENDED) {
    m.setW(W.SUSPEND_CAUSE, Math.max(0, suspendCause(vol, e.op)));
    m.setW(W.SUSPEND_LBA, e.lba);
  }
  m.setW(W.P_STATE, PS.SUSPENDED);
  m.setW(W.S_STATE, PS.SUSPENDED);
  c.log('508', 'pair.suspended', undefined, {
    reason: suspendReason(m.w(W.SUSPEND_CAUSE), m.w(W.SUSPEND_LBA)), message: e.message,
  });
  return true;
}

/** The suspended pair's reason ('' unless suspended). */
export function pairSuspendReason(c: Pick<Ctx, 'm'>): string {
  const m = c.m;
  return m.w(W.P_STATE) === PS.SUSPENDED ? suspendReason(m.w(W.SUSPEND_CAUSE), m.w(W.SUSPEND_LBA)) || 'suspended' : '';
}
