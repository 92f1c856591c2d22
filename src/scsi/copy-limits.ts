/**
 * The copy manager's limits: one object that the parameter-list validator enforces, and
 * that RECEIVE COPY RESULTS 03h (OPERATING PARAMETERS) and INQUIRY VPD 8Fh report, so the
 * reported values are by construction the enforced ones: an initiator that sizes its lists
 * by them is never refused for it.
 */
import { HERCULES_MAX_BLOCK } from '../devices/awstape.ts';

export interface CopyLimits {
  /** MAXIMUM CSCD DESCRIPTOR COUNT (enforced: 05/26/06). */
  readonly maxCscdCount: number;
  /** MAXIMUM SEGMENT DESCRIPTOR COUNT (enforced: 05/26/08). */
  readonly maxSegmentCount: number;
  /** MAXIMUM DESCRIPTOR LIST LENGTH, CSCD + segment bytes (enforced: 05/1A/00, as LIO does). */
  readonly maxDescriptorListLength: number;
  /** MAXIMUM SEGMENT LENGTH in bytes moved by one segment (enforced: 05/26/00). */
  readonly maxSegmentLength: number;
  /** MAXIMUM INLINE DATA LENGTH: 0, inline data is not supported (enforced: 05/26/0B). */
  readonly maxInlineDataLength: number;
  /** HELD DATA LIMIT: 0, no segment type we implement holds data (CAT = 1 is refused). */
  readonly heldDataLimit: number;
  /** MAXIMUM STREAM DEVICE TRANSFER SIZE in bytes per tape record (enforced: 05/26/00). */
  readonly maxStreamTransferSize: number;
  /** TOTAL CONCURRENT COPIES (enforced: 05/55/03 when that many are running). */
  readonly totalConcurrentCopies: number;
  /** MAXIMUM CONCURRENT COPIES with a held list identifier (same enforcement). */
  readonly maxConcurrentCopies: number;
  /** Finished copies whose status is held for RECEIVE COPY RESULTS (oldest dropped first). */
  readonly heldStatusRecords: number;
  /** log2 granularities reported in 03h bytes 37–39: byte granularity (0). */
  readonly dataSegmentGranularity: number;
  readonly inlineDataGranularity: number;
  readonly heldDataGranularity: number;
}

/**
 * Defaults sized so libiscsi's ExtendedCopy.DescrLimits cases are meaningful:
 * 8 CSCDs × 32 + 64 segments × 28 = 2048 bytes, the descriptor list maximum. A tape
 * record is at most 65535 bytes: Hercules' hetget/tapemap read no larger AWSTAPE block
 * (src/devices/awstape.ts), so a larger stream transfer is refused 05/26/00.
 */
export const DEFAULT_COPY_LIMITS: CopyLimits = {
  maxCscdCount: 8,
  maxSegmentCount: 64,
  maxDescriptorListLength: 2048,
  maxSegmentLength: 32 * 1024 * 1024,
  maxInlineDataLength: 0,
  heldDataLimit: 0,
  maxStreamTransferSize: HERCULES_MAX_BLOCK,
  totalConcurrentCopies: 4,
  maxConcurrentCopies: 4,
  heldStatusRecords: 16,
  dataSegmentGranularity: 0,
  inlineDataGranularity: 0,
  heldDataGranularity: 0,
};

/** Descriptor type codes this copy manager implements, ascending (03h byte 44 on). */
export const SEG_BLOCK_TO_STREAM = 0x00;
export const SEG_STREAM_TO_BLOCK = 0x01;
export const SEG_BLOCK_TO_BLOCK = 0x02;
/** Vendor segment descriptor: split the pair, then copy (embodiment 4; docs/scsi.md). */
export const SEG_SPLIT_AND_COPY = 0xc0;
export const CSCD_IDENTIFICATION = 0xe4;
export const IMPLEMENTED_DESCRIPTORS: readonly number[] =
  [SEG_BLOCK_TO_STREAM, SEG_STREAM_TO_BLOCK, SEG_BLOCK_TO_BLOCK, SEG_SPLIT_AND_COPY, CSCD_IDENTIFICATION];

/** CSCD ID FFFFh: the LU that received the EXTENDED COPY (SPC-4 6.4.6.1). */
export const CSCD_ID_RECEIVING_LU = 0xffff;
export const CSCD_ID_MAX_INDEX = 0x07ff;
