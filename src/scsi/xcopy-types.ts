/**
 * The neutral, typed form of an EXTENDED COPY (LID1) parameter list
 * (docs/scsi.md#extended-copy-lid1): what 502 stores as the backup parameter info 511
 * (docs/patent.md#parts) and what the copy manager executes. Produced only by
 * parseXcopyParams (validated) and turned back into bytes by encodeXcopyParams.
 */

/** LIST ID USAGE (header byte 1 bits 4–3): 00b hold, 10b discard, 11b none (id = 0). */
export type ListIdUsage = 'hold' | 'discard' | 'none';

/** An E4h identification CSCD descriptor (32 bytes). */
export interface CscdDescriptor {
  readonly type: 0xe4;
  /** LU ID TYPE (byte 1 bits 7–6): only 0 (LUN) is accepted. */
  readonly luIdType: number;
  /** NUL (byte 1 bit 5): a null device; it can never be reached (0A/0D/02). */
  readonly nul: boolean;
  /** PERIPHERAL DEVICE TYPE: 00h disk, 01h tape. */
  readonly peripheralType: 0 | 1;
  readonly relativePortId: number;
  readonly codeSet: number;
  readonly association: number;
  readonly designatorType: number;
  /** The designator bytes (designator length of them), e.g. a 16-byte NAA-6. */
  readonly designator: Uint8Array;
  /** Byte 28 bit 2. */
  readonly pad: boolean;
  /** Disk: DISK BLOCK LENGTH. Tape: STREAM BLOCK LENGTH (0 with fixed = false). */
  readonly blockLength: number;
  /** Tape only: FIXED (byte 28 bit 0). */
  readonly fixed: boolean;
}

interface SegmentCommon {
  /** Byte offset of this descriptor inside the parameter list (field pointers). */
  readonly offset: number;
  readonly dc: boolean;
  readonly cat: boolean;
  readonly src: number;
  readonly dst: number;
}

/** 00h block → stream: disk blocks to tape records. */
export interface BlockToStream extends SegmentCommon {
  readonly type: 0x00;
  readonly streamTransferLength: number;
  readonly blocks: number;
  readonly lba: bigint;
}

/**
 * 01h stream → block: tape records back onto a disk (a restore, docs/scsi.md). Records are
 * read from the tape's current position, each at most STREAM DEVICE TRANSFER LENGTH bytes
 * (variable blocks), until NUMBER OF BLOCKS disk blocks were written from `lba` on.
 */
export interface StreamToBlock extends SegmentCommon {
  readonly type: 0x01;
  readonly streamTransferLength: number;
  readonly blocks: number;
  readonly lba: bigint;
}

/** 02h block → block: a disk as the backup device (§0048). */
export interface BlockToBlock extends SegmentCommon {
  readonly type: 0x02;
  readonly blocks: number;
  readonly srcLba: bigint;
  readonly dstLba: bigint;
}

/** Consistency method for the C0h split-and-copy (embodiments 1–3, docs/patent.md#the-flows). */
export type SplitMode = 'pair' | 'priority' | 'wait' | 'staging';
export const SPLIT_MODES: readonly SplitMode[] = ['pair', 'priority', 'wait', 'staging'];

/**
 * C0h vendor "split and copy" (embodiment 4, §0038–0043; bytes in docs/scsi.md): split
 * the pair formed by the src (P-VOL) and dst (S-VOL) CSCDs, then run the following
 * segments; with early = true the EXTENDED COPY answers as soon as the split is done.
 */
export interface SplitAndCopy extends SegmentCommon {
  readonly type: 0xc0;
  readonly mode: SplitMode;
  readonly early: boolean;
  readonly pair: number;
}

export type SegmentDescriptor = BlockToStream | StreamToBlock | BlockToBlock | SplitAndCopy;

export interface CopyPlan {
  readonly listId: number;
  readonly str: boolean;
  readonly listIdUsage: ListIdUsage;
  readonly priority: number;
  readonly cscds: readonly CscdDescriptor[];
  readonly segments: readonly SegmentDescriptor[];
}

export const HEADER_LENGTH = 16;
export const CSCD_LENGTH = 32;
/** Descriptor length field value (size − 4) by segment type. */
export const SEGMENT_BODY_LENGTH: Readonly<Record<number, number>> = { 0x00: 0x14, 0x01: 0x14, 0x02: 0x18, 0xc0: 0x10 };
