/**
 * The logical units the target exposes (docs/scsi.md#logical-units): the P-VOL 601 and
 * S-VOL 602 (disks, type 00h), the command devices 603 (pair operations) and 604
 * (backup; §0047 says both may live only in shared memory), any other disk (a backup
 * disk, §0048) and the tape 303 (sequential access, 01h).
 */
import type { BlockDevice } from '../devices/block-device.ts';
import type { LuIdentity } from './inquiry.ts';
import type { PairQuery } from './pair-cdb.ts';
import type { SenseData } from './sense.ts';
import type { TapeDrive } from './tape-drive.ts';

/**
 * A tape as the copy manager writes it: one record per call (an AWSTAPE block,
 * docs/architecture.md#the-tape).
 */
export interface StreamSink {
  readonly name: string;
  writeRecord(data: Uint8Array): void;
  writeTapemark?(): void;
  flush?(): void;
}

/**
 * Pair operations as the vendor CDB on 603 drives them
 * (docs/scsi.md#pair-operation-vendor-cdb-c1h).
 * The controller's 501 answers in virtual time: done gets the refusal sense (05/2C/00 for a
 * state conflict), or nothing when the operation succeeded.
 */
export interface PairPort {
  submit(op: 'create' | 'split' | 'resync' | 'delete', pair: number, done: (err?: SenseData) => void): void;
  /** 516/517 and the pending count; throws ScsiError for an unknown pair. */
  query(pair: number): PairQuery;
}

export type DiskRole = 'pvol-601' | 'svol-602' | 'disk';

export type Lu =
  | {
    readonly kind: 'disk'; readonly id: LuIdentity; readonly role: DiskRole; readonly device: BlockDevice;
    /** Writes acknowledged in virtual time (the P-VOL through 501, §0016); else device.write. */
    readonly writeAsync?: (lba: number, count: number, data: Uint8Array, done: (err?: SenseData) => void) => void;
    /** Host writes are refused now (the S-VOL while paired): MODE SENSE reports WP. */
    readonly writeProtected?: () => boolean;
  }
  | {
    readonly kind: 'tape'; readonly id: LuIdentity; readonly sink: StreamSink;
    /** Reading the tape back (REWIND, SPACE(6), READ(6), segment 01h), where the image can be read. */
    readonly drive?: TapeDrive;
  }
  | { readonly kind: 'command'; readonly id: LuIdentity; readonly role: '603' | '604' };

export type ScsiStatus = 'GOOD' | 'CHECK CONDITION' | 'BUSY' | 'TASK SET FULL';

/** What a command answers: status, fixed-format sense on CHECK CONDITION, data-in. */
export interface ScsiResult {
  readonly status: ScsiStatus;
  readonly sense?: Uint8Array;
  readonly dataIn?: Uint8Array;
}

/** SAM status byte values, for RECEIVE COPY RESULTS 04h byte 56. */
export const STATUS_BYTE: Record<ScsiStatus, number> = {
  GOOD: 0x00, 'CHECK CONDITION': 0x02, BUSY: 0x08, 'TASK SET FULL': 0x28,
};
