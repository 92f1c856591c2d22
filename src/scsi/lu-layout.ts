/**
 * The LU layout every runtime uses (docs/scsi.md "Logical units"): fixed LUNs for the
 * P-VOL 601, the S-VOL 602, the command devices 603 and 604, the tape 303 and an optional
 * backup disk (§0048), each with a stable NAA-6 designator derived from the array serial,
 * so CSCD descriptors written once (tests, the UI's hex view) name the same LUs everywhere.
 */
import type { BlockDevice } from '../devices/block-device.ts';
import type { AwsTapeWriter } from '../devices/awstape.ts';
import { type LuIdentity, naa6 } from './inquiry.ts';
import type { Lu, StreamSink } from './lu.ts';
import type { TapeDrive } from './tape-drive.ts';

/** Fixed LUN assignment (docs/scsi.md). */
export const LUN = { PVOL: 0, SVOL: 1, CMD_603: 2, CMD_604: 3, TAPE: 4, BACKUP_DISK: 5 } as const;

export const DEFAULT_ARRAY_SERIAL = 'SPLITSTREAM-0001';

function identity(serial: string, lun: number, peripheralType: LuIdentity['peripheralType'], product: string): LuIdentity {
  return { peripheralType, naa: naa6(serial, lun), product, serial: `${serial}-${lun}` };
}

/** The AWSTAPE writer (docs/architecture.md#the-tape) as the copy manager's stream sink. */
export function awsTapeSink(writer: AwsTapeWriter, name = 'tape-303'): StreamSink {
  return {
    name,
    writeRecord: (data) => writer.writeBlock(data),
    writeTapemark: () => writer.writeTapemark(),
  };
}

export interface LuLayout {
  pvol: BlockDevice;
  svol: BlockDevice;
  tape: StreamSink;
  /** Reads the tape back (tape-drive.ts), when its image can be read. */
  tapeDrive?: TapeDrive;
  backupDisk?: BlockDevice;
  serial?: string;
}

export function buildLus(l: LuLayout): Map<number, Lu> {
  const s = l.serial ?? DEFAULT_ARRAY_SERIAL;
  const m = new Map<number, Lu>();
  m.set(LUN.PVOL, { kind: 'disk', role: 'pvol-601', device: l.pvol, id: identity(s, LUN.PVOL, 0, 'PVOL-601') });
  m.set(LUN.SVOL, { kind: 'disk', role: 'svol-602', device: l.svol, id: identity(s, LUN.SVOL, 0, 'SVOL-602') });
  // The command devices hold no data a host could read: a storage array controller (0Ch,
  // SCC-2), as an array's control LU shows itself, so no initiator treats them as disks.
  m.set(LUN.CMD_603, { kind: 'command', role: '603', id: identity(s, LUN.CMD_603, 0x0c, 'CMDDEV-PAIR-603') });
  m.set(LUN.CMD_604, { kind: 'command', role: '604', id: identity(s, LUN.CMD_604, 0x0c, 'CMDDEV-BKUP-604') });
  m.set(LUN.TAPE, { kind: 'tape', sink: l.tape, ...(l.tapeDrive ? { drive: l.tapeDrive } : {}), id: identity(s, LUN.TAPE, 1, 'TAPE-303') });
  if (l.backupDisk) {
    m.set(LUN.BACKUP_DISK, { kind: 'disk', role: 'disk', device: l.backupDisk, id: identity(s, LUN.BACKUP_DISK, 0, 'BACKUP-DISK') });
  }
  return m;
}
